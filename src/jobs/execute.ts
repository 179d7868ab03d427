import type { Clock } from '../clock.js';
import type { ContainerSpec, Engine } from '../engine/model.js';
import { isEngineError } from '../engine/model.js';
import { oneOffSpec } from './oneoff.js';
import type { OutputTail } from './output.js';

/** How one attempt ended. `exitCode` is absent when the command never ran or was stopped. */
export interface AttemptResult {
  readonly exitCode?: number;
  readonly timedOut: boolean;
  /** Stopped because Berth is shutting down. */
  readonly interrupted: boolean;
  /** Why it could not run (no container, no image…), in words. */
  readonly error?: string;
}

export interface AttemptTarget {
  readonly stack: string;
  readonly service: string;
  readonly job: string;
  readonly runId: number;
  readonly argv: readonly string[];
  readonly timeoutMs: number;
  /** `exec`: the container to run in; `oneoff`: the service's container spec to derive one from. */
  readonly where: { readonly exec: string } | { readonly oneoff: ContainerSpec };
}

export interface ExecuteDeps {
  readonly engine: Engine;
  /** Timeouts and kill grace are waited on this clock. */
  readonly clock: Pick<Clock, 'sleep'>;
  /** How long a stopped job gets between TERM and KILL (default 5 s). */
  readonly killGraceMs?: number;
}

const PID_LINE = /^berth-job-pid (\d+)$/;

/**
 * `exec` jobs run under a small sh wrapper that reports the process id first (the exec's process
 * leads its own process group), so a timeout can end it and every process it started.
 */
const WRAPPER = ['sh', '-c', 'echo "berth-job-pid $$" >&2; exec "$@"', 'berth-job'];

/** Signals every process of a process group, found through /proc (busybox and dash agree on this). */
const KILL_GROUP = [
  'pg=$1; sig=$2',
  'for d in /proc/[0-9]*; do',
  '  s=$(cat "$d/stat" 2>/dev/null) || continue',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an sh parameter expansion
  '  s=${s##*) }',
  '  set -- $s',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an sh parameter expansion
  '  if [ "$3" = "$pg" ]; then kill -"$sig" "${d#/proc/}" 2>/dev/null; fi',
  'done',
].join('\n');

/** Calls `fire` after `ms` on the clock, unless the returned controller is aborted first. */
function timeout(deps: ExecuteDeps, ms: number, fire: () => void): AbortController {
  const cancel = new AbortController();
  deps.clock.sleep(ms, cancel.signal).then(fire, () => undefined);
  return cancel;
}

async function killGroup(engine: Engine, container: string, pid: number, signal: 'TERM' | 'KILL') {
  try {
    await engine.exec.run(container, ['sh', '-c', KILL_GROUP, 'berth-kill', String(pid), signal], {
      timeoutMs: 10_000,
    });
  } catch {
    // The container may be gone, which ends the process too.
  }
}

/** Runs `argv` in a running container of the service; a timeout or a shutdown ends the whole process group. */
async function inContainer(
  deps: ExecuteDeps,
  target: AttemptTarget & { where: { exec: string } },
  output: OutputTail,
  signal: AbortSignal,
): Promise<AttemptResult> {
  const container = target.where.exec;
  let pid: number | undefined;
  let stderrHead = '';
  let stopped: 'timeout' | 'shutdown' | undefined;
  const execAbort = new AbortController();
  const stop = async (why: 'timeout' | 'shutdown') => {
    if (stopped) return;
    stopped = why;
    if (pid === undefined) {
      execAbort.abort();
      return;
    }
    await killGroup(deps.engine, container, pid, 'TERM');
    await deps.clock.sleep(deps.killGraceMs ?? 5000, execAbort.signal).catch(() => undefined);
    await killGroup(deps.engine, container, pid, 'KILL');
    // The exec's stream ends with its process; if the engine kept it open, stop reading.
    await deps.clock.sleep(2000, execAbort.signal).catch(() => undefined);
    execAbort.abort();
  };
  const timer = timeout(deps, target.timeoutMs, () => void stop('timeout'));
  const onAbort = () => void stop('shutdown');
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await deps.engine.exec.run(container, [...WRAPPER, ...target.argv], {
      maxOutputBytes: 0,
      signal: execAbort.signal,
      onOutput: (stream, data) => {
        let text = data.toString('utf8');
        if (stream === 'stderr' && pid === undefined) {
          stderrHead += text;
          const nl = stderrHead.indexOf('\n');
          if (nl < 0) return;
          const first = stderrHead.slice(0, nl);
          const found = PID_LINE.exec(first);
          if (found) pid = Number(found[1]);
          text = found ? stderrHead.slice(nl + 1) : stderrHead;
          stderrHead = '';
          if (stopped && pid !== undefined) void killGroup(deps.engine, container, pid, 'KILL');
        }
        output.push(stream, text);
      },
    });
    if (stopped) return { timedOut: stopped === 'timeout', interrupted: stopped === 'shutdown' };
    if (pid === undefined && (result.exitCode === 126 || result.exitCode === 127)) {
      return {
        exitCode: result.exitCode,
        timedOut: false,
        interrupted: false,
        error: 'the container has no sh, which exec jobs need (to be stopped on timeout); use run: oneoff',
      };
    }
    return { exitCode: result.exitCode, timedOut: false, interrupted: false };
  } catch (error: unknown) {
    if (stopped) return { timedOut: stopped === 'timeout', interrupted: stopped === 'shutdown' };
    return {
      timedOut: false,
      interrupted: false,
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    timer.abort();
    signal.removeEventListener('abort', onAbort);
    output.end();
  }
}

/** Runs `argv` in a fresh container from the service's configuration, removed afterwards whatever happens. */
async function inOneOff(
  deps: ExecuteDeps,
  target: AttemptTarget & { where: { oneoff: ContainerSpec } },
  output: OutputTail,
  signal: AbortSignal,
): Promise<AttemptResult> {
  const { engine } = deps;
  const spec = oneOffSpec(target.where.oneoff, target);
  let id: string | undefined;
  let stopped: 'timeout' | 'shutdown' | undefined;
  let removal: Promise<void> | undefined;
  const remove = (container: string) => {
    removal ??= engine.containers.remove(container, { force: true }).catch(() => undefined);
    return removal;
  };
  const stop = (why: 'timeout' | 'shutdown') => {
    if (stopped || id === undefined) return;
    stopped = why;
    // Removing it stops it: the logs stream and the wait end with it.
    void remove(id);
  };
  const timer = timeout(deps, target.timeoutMs, () => stop('timeout'));
  const onAbort = () => stop('shutdown');
  try {
    id = (await engine.containers.create(spec)).id;
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) stop('shutdown');
    await engine.containers.start(id);
    for await (const line of engine.logs.logs(id, { follow: true })) output.pushLine(line.stream, line.line);
    const exit = await engine.containers.wait(id).catch((error: unknown) => {
      if (stopped || (isEngineError(error) && error.code === 'ENGINE_NOT_FOUND')) return undefined;
      throw error;
    });
    if (stopped) return { timedOut: stopped === 'timeout', interrupted: stopped === 'shutdown' };
    return { exitCode: exit?.exitCode ?? -1, timedOut: false, interrupted: false };
  } catch (error: unknown) {
    if (stopped) return { timedOut: stopped === 'timeout', interrupted: stopped === 'shutdown' };
    return {
      timedOut: false,
      interrupted: false,
      error: error instanceof Error ? error.message : String(error),
    };
  } finally {
    timer.abort();
    signal.removeEventListener('abort', onAbort);
    output.end();
    if (id !== undefined) {
      await remove(id);
      // A forced removal may still be going on: the job is over when its container is gone.
      await engine.containers.wait(id, { condition: 'removed' }).catch(() => undefined);
    }
  }
}

/** Runs one attempt of a job where its definition says, within its timeout. */
export function runAttempt(
  deps: ExecuteDeps,
  target: AttemptTarget,
  output: OutputTail,
  signal: AbortSignal,
): Promise<AttemptResult> {
  return 'exec' in target.where
    ? inContainer(deps, { ...target, where: target.where }, output, signal)
    : inOneOff(deps, { ...target, where: target.where }, output, signal);
}
