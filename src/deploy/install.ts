import type { Engine } from '../engine/model.js';
import type { DeployDeps } from './deploy.js';
import type { DesiredStack } from './desired.js';
import type { DeployEvent } from './events.js';
import type { InstallSettings } from './xberth.js';

/*
 * The install-phase condition, checked inside the service's container through exec with argv
 * arrays. The HTTP probe runs a fixed script; port and path are passed as its arguments, never
 * spliced into it.
 */
const HTTP_PROBE = [
  'url="http://127.0.0.1:$1$2"',
  'if command -v curl >/dev/null 2>&1; then curl -s -o /dev/null -w "%{http_code}" "$url"',
  'elif command -v wget >/dev/null 2>&1; then wget -S -q -O /dev/null "$url" 2>&1 | awk "/HTTP\\//{c=\\$2} END{print c}"',
  'else echo "no-http-client"; fi',
].join('\n');

export interface ConditionCheck {
  readonly holds: boolean;
  readonly detail: string;
}

export function describeCondition(until: InstallSettings['until']): string {
  if ('file' in until) return `file ${until.file} exists`;
  if ('command' in until) return `command ${JSON.stringify(until.command)} exits 0`;
  const status = Array.isArray(until.http.status) ? until.http.status.join('/') : String(until.http.status);
  return `GET :${until.http.port}${until.http.path} answers ${status}`;
}

export async function checkInstallCondition(
  engine: Engine,
  containerId: string,
  until: InstallSettings['until'],
): Promise<ConditionCheck> {
  if ('file' in until) {
    const r = await engine.exec.run(containerId, ['test', '-e', until.file], { timeoutMs: 10_000 });
    return {
      holds: r.exitCode === 0,
      detail: r.exitCode === 0 ? `${until.file} exists` : `${until.file} not there yet`,
    };
  }
  if ('command' in until) {
    const r = await engine.exec.run(containerId, until.command, { timeoutMs: 30_000 });
    return {
      holds: r.exitCode === 0,
      detail: `exit ${r.exitCode}${r.stderr ? `: ${r.stderr.trim().slice(0, 200)}` : ''}`,
    };
  }
  const r = await engine.exec.run(
    containerId,
    ['sh', '-c', HTTP_PROBE, 'probe', String(until.http.port), until.http.path],
    { timeoutMs: 15_000 },
  );
  const answer = r.stdout.trim();
  if (answer === 'no-http-client')
    return {
      holds: false,
      detail: 'the container has neither curl nor wget: use a file or command condition',
    };
  const wanted = Array.isArray(until.http.status) ? until.http.status : [until.http.status];
  return { holds: wanted.includes(Number(answer)), detail: `HTTP ${answer || 'no answer'}` };
}

/**
 * Install phases whose condition now holds. They are recorded as completed only after the pass that
 * removes their env succeeds: if that pass rolls back, the install env is still running, and the
 * store must say so. Waits (up to the phase's timeout) only for services deployed in this run.
 */
export async function endedInstallPhases(
  deps: Pick<DeployDeps, 'engine' | 'store' | 'clock' | 'pollMs' | 'signal'>,
  desired: DesiredStack,
  ids: ReadonlyMap<string, string>,
  changed: readonly string[],
  emit: (e: DeployEvent) => void,
): Promise<string[]> {
  const done: string[] = [];
  for (const service of Object.values(desired.services)) {
    if (!service.install) continue;
    const wait = changed.includes(service.name);
    const first = service.replicas[0];
    const id = first ? ids.get(first.spec.name) : undefined;
    if (!id) continue;
    const what = describeCondition(service.install.until);
    if (!deps.store.installState.get(desired.stack, service.name))
      deps.store.installState.start(desired.stack, service.name, what);
    const deadline = deps.clock.now().getTime() + (wait ? service.install.timeout : 0);
    let check = await checkInstallCondition(deps.engine, id, service.install.until);
    while (!check.holds && deps.clock.now().getTime() < deadline) {
      await deps.clock.sleep(deps.pollMs ?? 1000, deps.signal);
      check = await checkInstallCondition(deps.engine, id, service.install.until);
    }
    if (check.holds) {
      emit({
        type: 'install',
        service: service.name,
        message: `install phase done (${what}): removing ${Object.keys(service.install.env).join(', ')}`,
      });
      done.push(service.name);
    } else {
      emit({
        type: 'install',
        service: service.name,
        message: `install phase still pending (${what}: ${check.detail}); its env stays until it holds`,
      });
    }
  }
  return done;
}
