import { StringDecoder } from 'node:string_decoder';
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
  /** Where the attempt runs, as soon as it is known: kept so a restarted Berth can end it. */
  readonly onPlaced?: (where: { readonly container: string; readonly pid?: number }) => void;
}

const PID_LINE = /^berth-job-pid (\d+)$/;
/** How long a stop waits for the pid line of an exec that has not reported it yet. */
const PID_WAIT_MS = 10_000;

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

/** Sends `signal` to a process group of a container; a container that is gone needs nothing. */
export async function killGroup(engine: Engine, container: string, pid: number, signal: 'TERM' | 'KILL') {
  try {
    await engine.exec.run(container, ['sh', '-c', KILL_GROUP, 'berth-kill', String(pid), signal], {
      timeoutMs: 10_000,
    });
  } catch {
    // The container may be gone, which ends the process too.
  }
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Runs `argv` in a running container of the service. A timeout or a shutdown ends the whole
 * process group (TERM, then KILL); so does any failure of the exec stream once the process is
 * known, so a retry never runs beside a copy that is still going.
 */
async function inContainer(
  deps: ExecuteDeps,
  target: AttemptTarget & { where: { exec: string } },
  output: OutputTail,
  signal: AbortSignal,
): Promise<AttemptResult> {
  const container = target.where.exec;
  let pid: number | undefined;
  let pidSeen: () => void = () => {};
  const known = new Promise<void>((resolve) => {
    pidSeen = resolve;
  });
  let stopped: 'timeout' | 'shutdown' | undefined;
  let ended = false;
  const execAbort = new AbortController();
  const end = async () => {
    if (pid === undefined) return;
    await killGroup(deps.engine, container, pid, 'TERM');
    await deps.clock.sleep(deps.killGraceMs ?? 5000, execAbort.signal).catch(() => undefined);
    if (!ended) await killGroup(deps.engine, container, pid, 'KILL');
  };
  const stop = async (why: 'timeout' | 'shutdown') => {
    if (stopped || ended) return;
    stopped = why;
    // The process may not have said who it is yet: wait for it (bounded), never leave it running.
    if (pid === undefined) {
      const waited = new AbortController();
      await Promise.race([known, deps.clock.sleep(PID_WAIT_MS, waited.signal).catch(() => undefined)]);
      waited.abort();
    }
    await end();
    // The exec's stream ends with its process; if the engine kept it open, stop reading.
    await deps.clock.sleep(2000, execAbort.signal).catch(() => undefined);
    execAbort.abort();
  };
  const timer = timeout(deps, target.timeoutMs, () => void stop('timeout'));
  const onAbort = () => void stop('shutdown');
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  const decoders = { stdout: new StringDecoder('utf8'), stderr: new StringDecoder('utf8') };
  let stderrHead = '';
  try {
    const result = await deps.engine.exec.run(container, [...WRAPPER, ...target.argv], {
      maxOutputBytes: 0,
      signal: execAbort.signal,
      onOutput: (stream, data) => {
        let text = decoders[stream].write(data);
        if (stream === 'stderr' && pid === undefined) {
          stderrHead += text;
          const nl = stderrHead.indexOf('\n');
          if (nl < 0) return;
          const found = PID_LINE.exec(stderrHead.slice(0, nl));
          text = found ? stderrHead.slice(nl + 1) : stderrHead;
          stderrHead = '';
          if (found) {
            pid = Number(found[1]);
            pidSeen();
            deps.onPlaced?.({ container, pid });
          }
        }
        output.push(stream, text);
      },
    });
    ended = true;
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
    // The stream failed, not necessarily the process: end it, so nothing runs on unrecorded.
    await end();
    ended = true;
    return { timedOut: false, interrupted: false, error: message(error) };
  } finally {
    timer.abort();
    signal.removeEventListener('abort', onAbort);
    output.push('stdout', decoders.stdout.end());
    output.push('stderr', decoders.stderr.end());
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
    if (stopped) return;
    stopped = why;
    // Removing it stops it: the logs stream and the wait end with it. Before it exists, the
    // creation below sees `stopped` and removes it at once.
    if (id !== undefined) void remove(id);
  };
  const timer = timeout(deps, target.timeoutMs, () => stop('timeout'));
  const onAbort = () => stop('shutdown');
  signal.addEventListener('abort', onAbort, { once: true });
  if (signal.aborted) onAbort();
  try {
    if (stopped) return { timedOut: stopped === 'timeout', interrupted: stopped === 'shutdown' };
    id = (await engine.containers.create(spec)).id;
    deps.onPlaced?.({ container: id });
    if (stopped) return { timedOut: stopped === 'timeout', interrupted: stopped === 'shutdown' };
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
    return { timedOut: false, interrupted: false, error: message(error) };
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
