import type { ContainerRow, LogEntry } from '../api/deploy.js';
import type { Clock } from '../clock.js';
import { mapLimit } from '../compose/load/discover.js';
import {
  BerthLabel,
  type ContainerSummary,
  type Engine,
  type ExecResult,
  isEngineError,
  isOneOff,
  isParked,
  isServiceContainer,
  ownedBy,
  stackSelector,
} from '../engine/model.js';
import { describeContainer } from '../health/index.js';
import { secretEnvValues } from '../secrets/detect.js';
import { valueMasker } from '../secrets/mask.js';
import { DeployError } from './errors.js';

/** One-off containers (jobs, drills, backup helpers) are left out unless asked for. */
export interface ContainerFilter {
  readonly oneOff?: boolean;
}

/** `berth ps`'s filter; `keep` is for the API, which lists only the stacks a caller may see. */
export interface ContainerListFilter extends ContainerFilter {
  /**
   * Only the containers of the stacks this says yes to. Asked once per stack, before any container
   * is inspected: the other stacks' containers cost nothing but their place in the engine's list.
   */
  readonly keep?: (stack: string) => boolean | Promise<boolean>;
}

/** Inspections of `listContainers` sent to the engine at once. */
const INSPECT_AT_ONCE = 8;

const owned = (stack: string | undefined, filter: ContainerFilter) => (c: ContainerSummary) =>
  (stack === undefined || ownedBy(c.labels, stack)) && (filter.oneOff === true || !isOneOff(c.labels));

const stackOf = (c: ContainerSummary) => c.labels[BerthLabel.Stack] ?? '';

/** The containers whose stack `keep` says yes to, asking it once per stack. */
async function kept(
  containers: readonly ContainerSummary[],
  keep: NonNullable<ContainerListFilter['keep']>,
): Promise<ContainerSummary[]> {
  const answers = new Map<string, boolean>();
  for (const stack of new Set(containers.map(stackOf))) answers.set(stack, await keep(stack));
  return containers.filter((c) => answers.get(stackOf(c)) === true);
}

/**
 * `berth ps`: Berth's containers, one row per replica, with a state an operator can read. Containers
 * parked by a rollout are shown: after a failed deploy with `rollback: manual` they are what to look at.
 * The engine's list is filtered by Berth's labels; each container left is inspected, since a row's
 * status needs what only an inspect says (exit code, finish time, restarts, the health check's log).
 */
export async function listContainers(
  deps: { readonly engine: Engine; readonly clock: Pick<Clock, 'now'> },
  stack?: string,
  filter: ContainerListFilter = {},
): Promise<ContainerRow[]> {
  const listed = (await deps.engine.containers.list(stackSelector(stack), { all: true })).filter(
    owned(stack, filter),
  );
  const summaries = filter.keep === undefined ? listed : await kept(listed, filter.keep);
  // Inspected a few at once: the list is as slow as the slowest, not the sum of every container's.
  const inspected = await mapLimit(summaries, INSPECT_AT_ONCE, async (s) => {
    try {
      return { s, info: await deps.engine.containers.inspect(s.id) };
    } catch (error: unknown) {
      if (isEngineError(error) && error.code === 'ENGINE_NOT_FOUND') return undefined;
      throw error;
    }
  });
  const rows: ContainerRow[] = [];
  for (const found of inspected) {
    if (found === undefined) continue;
    const { s, info } = found;
    rows.push({
      stack: stackOf(s),
      service: s.labels[BerthLabel.Service] ?? '',
      replica: Number(s.labels[BerthLabel.Replica] ?? 0),
      name: info.name,
      id: info.id.slice(0, 12),
      state: info.state,
      ...(info.health ? { health: info.health.status } : {}),
      status: describeContainer(info, deps.clock.now()),
      ports: info.ports
        .filter((p) => p.hostPort !== null)
        .map((p) => `${p.hostIp ?? ''}:${p.hostPort}->${p.containerPort}/${p.protocol}`),
      image: info.image,
      ...(info.state === 'exited' ? { exitCode: info.exitCode } : {}),
    });
  }
  return rows.sort(
    (a, b) => a.stack.localeCompare(b.stack) || a.service.localeCompare(b.service) || a.replica - b.replica,
  );
}

/** A service's current containers (neither parked nor one-off), by name. */
export async function serviceContainers(
  engine: Engine,
  stack: string,
  service: string,
): Promise<ContainerSummary[]> {
  const list = await engine.containers.list(
    { ...stackSelector(stack), [BerthLabel.Service]: service },
    { all: true },
  );
  return list
    .filter((c) => ownedBy(c.labels, stack) && isServiceContainer(c))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `berth exec`: runs an argv in the service's first running replica. */
export async function execInService(
  engine: Engine,
  stack: string,
  service: string,
  argv: readonly string[],
): Promise<ExecResult> {
  const all = await serviceContainers(engine, stack, service);
  const target = all.find((c) => c.state === 'running');
  if (!target)
    throw new DeployError(
      'DEPLOY_SERVICE_NOT_FOUND',
      all.length === 0
        ? `${stack} has no container of a service ${service}`
        : `no running container for ${stack}/${service} (${all.map((c) => `${c.name} is ${c.state}`).join(', ')})`,
      all.length === 0
        ? `\`berth ps ${stack}\` lists the stack's containers by service; a service of the compose file that was never deployed starts with \`berth up ${stack}\``
        : `\`berth up ${stack}\` starts it again; \`berth logs ${stack} ${service}\` says why it stopped`,
    );
  return engine.exec.run(target.id, argv);
}

export interface LogOptions extends ContainerFilter {
  readonly service?: string;
  readonly follow?: boolean;
  /** Unix seconds. */
  readonly since?: number;
  readonly tail?: number;
  readonly signal?: AbortSignal;
}

/**
 * `berth logs`: lines of the service's containers (or the whole stack), prefixed by container; parked
 * ones are left out. Every line is masked: the stack's secret values (`secrets`, from its files) and
 * the values of each container's secret-looking variables (what it may print although the files no
 * longer say it: a secret changed since the deploy, or a stack whose files are gone).
 */
export async function* stackLogs(
  engine: Engine,
  stack: string,
  options: LogOptions,
  secrets: readonly string[] = [],
): AsyncIterable<LogEntry> {
  const selector =
    options.service === undefined
      ? stackSelector(stack)
      : { ...stackSelector(stack), [BerthLabel.Service]: options.service };
  const list = (await engine.containers.list(selector, { all: true }))
    .filter((c) => owned(stack, options)(c) && !isParked(c))
    .sort((a, b) => a.name.localeCompare(b.name));
  const envs = await mapLimit(list, INSPECT_AT_ONCE, async (c) =>
    engine.containers.inspect(c.id).then(
      (info) => info.env,
      // A container removed meanwhile prints nothing more: nothing of its own to mask.
      (error: unknown) => {
        if (isEngineError(error) && error.code === 'ENGINE_NOT_FOUND') return [];
        throw error;
      },
    ),
  );
  const mask = valueMasker([...secrets, ...envs.flatMap(secretEnvValues)]);
  const iterators = list.map((c) => ({
    c,
    it: engine.logs
      .logs(c.id, {
        ...(options.follow ? { follow: true } : {}),
        ...(options.since !== undefined ? { since: options.since } : {}),
        ...(options.tail !== undefined ? { tail: options.tail } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      })
      [Symbol.asyncIterator](),
  }));
  if (!options.follow) {
    for (const { c, it } of iterators) {
      for (let r = await it.next(); !r.done; r = await it.next())
        yield {
          container: c.name,
          service: c.labels[BerthLabel.Service] ?? '',
          ...r.value,
          line: mask(r.value.line),
        };
    }
    return;
  }
  const pending = new Map(iterators.map((x, i) => [i, x.it.next().then((r) => ({ i, r }))]));
  while (pending.size > 0) {
    const { i, r } = await Promise.race(pending.values());
    const x = iterators[i];
    if (!x || r.done) {
      pending.delete(i);
      continue;
    }
    pending.set(
      i,
      x.it.next().then((next) => ({ i, r: next })),
    );
    yield {
      container: x.c.name,
      service: x.c.labels[BerthLabel.Service] ?? '',
      ...r.value,
      line: mask(r.value.line),
    };
  }
}
