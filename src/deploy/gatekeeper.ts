import type { Clock } from '../clock.js';
import { formatDuration } from '../compose/schema/units.js';
import { type ContainerInfo, type Engine, isEngineError } from '../engine/model.js';
import {
  type ConditionResult,
  conditionHolds,
  type DependsCondition,
  type GateKind,
  type GateObservation,
  type GatePolicy,
  type GateState,
  type GateVerdict,
  type MissingObservation,
  observe,
  startGate,
} from '../health/index.js';
import type { DesiredService } from './desired.js';
import {
  CHECK_OUTPUT_MAX_BYTES,
  type CheckCommand,
  checkCommand,
  nextProbeDelay,
  timeoutOutput,
} from './probe.js';
import { type CheckRun, observeReady, recentPassHolds } from './ready.js';
import { type ContainerWatch, Wakeup, watchEvents } from './watch.js';

export interface GateDeps {
  readonly engine: Engine;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  /** The deploy's event watch; without one, a gate opens its own for its container. */
  readonly watch?: ContainerWatch;
}

/**
 * How long a gate or wait with no timer of its own (a stable window's end, the next run of a
 * check) sleeps at most between looks: a safety net for a lost event, not a poll.
 */
export const SAFETY_LOOK_MS = 5000;

export async function inspectOrMissing(engine: Engine, id: string): Promise<ContainerInfo | undefined> {
  try {
    return await engine.containers.inspect(id);
  } catch (error: unknown) {
    if (isEngineError(error) && error.code === 'ENGINE_NOT_FOUND') return undefined;
    throw error;
  }
}

/** One run of the check; an engine error (the container stopped meanwhile…) reads as a failed run. */
async function runCheck(
  deps: GateDeps,
  id: string,
  command: CheckCommand,
  signal: AbortSignal,
): Promise<CheckRun> {
  try {
    const r = await deps.engine.exec.run(id, command.argv, {
      timeoutMs: command.timeoutMs,
      maxOutputBytes: CHECK_OUTPUT_MAX_BYTES,
      signal,
    });
    return { at: deps.clock.now().getTime(), exitCode: r.exitCode, output: `${r.stdout}${r.stderr}` };
  } catch (error: unknown) {
    signal.throwIfAborted();
    const output = isEngineError(error, 'ENGINE_TIMEOUT')
      ? timeoutOutput(command.timeoutMs)
      : `the check could not run: ${error instanceof Error ? error.message : String(error)}`;
    return { at: deps.clock.now().getTime(), exitCode: -1, output };
  }
}

/**
 * When a stable gate should look again without an event: the end of its window while the last look
 * came before it (at once if that end has passed meanwhile: a timer may fire a little early), else
 * after the safety gap.
 */
function stableLook(
  state: GateState,
  info: ContainerInfo | undefined,
  lookedAt: number,
  now: number,
): number {
  const since = info?.startedAt ? Date.parse(info.startedAt) : Number.NaN;
  const windowEnd = (Number.isNaN(since) ? state.startedAt : since) + state.policy.stableWindowMs;
  return windowEnd > lookedAt ? windowEnd : now + SAFETY_LOOK_MS;
}

/**
 * The gate a container gets, from the container itself (a rollback gates the previous container
 * with the new service's settings): with a healthcheck (its own or its image's), on it; without
 * one, the stable window. A one-shot service must complete either way.
 */
export function gateKindFor(
  kind: GateKind,
  info: Pick<ContainerInfo, 'health' | 'healthcheck' | 'shell'>,
): GateKind {
  if (kind === 'completes') return kind;
  const hasCheck = info.health !== undefined || checkCommand(info.healthcheck, info.shell) !== undefined;
  return hasCheck ? 'healthcheck' : 'stable';
}

/**
 * Watches one container until it passes or fails its gate. A service with a healthcheck (its own
 * or the image's) is gated on it: Berth runs the check itself from the start, backing off from the
 * probe interval, and passes the gate on the first run that exits 0 (see ready.ts); Docker's status
 * still counts. Without one, the stable window applies. Every look is woken by the container's
 * engine events, the next run of the check, the window's end or the deadline: nothing is polled.
 */
export async function gateContainer(
  deps: GateDeps,
  service: DesiredService,
  containerId: string,
  onProgress?: (v: GateVerdict) => void,
): Promise<GateVerdict> {
  const { engine, clock } = deps;
  const own = deps.watch
    ? undefined
    : watchEvents(engine, clock, { types: ['container'], containers: [containerId] });
  const watch = deps.watch ?? own;
  const wakeup = new Wakeup();
  const unsubscribe = watch?.onContainer(containerId, wakeup.wake);
  // Aborts a check still running when the gate decides (or the deploy is cancelled).
  const runs = new AbortController();
  const onAbort = () => runs.abort(deps.signal?.reason);
  deps.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    deps.signal?.throwIfAborted();
    const at = clock.now().getTime();
    const first = await inspectOrMissing(engine, containerId);
    if (first === undefined) {
      const verdict: GateVerdict = {
        state: 'failed',
        reason: 'missing',
        detail: 'no container to watch: it was not found when the gate started',
      };
      onProgress?.(verdict);
      return verdict;
    }
    const kind = gateKindFor(service.gate.kind, first);
    const policy: GatePolicy = {
      kind,
      timeoutMs: service.gate.timeoutMs,
      stableWindowMs: service.gate.stableWindowMs,
      ...(first.healthcheck?.retries === undefined ? {} : { healthRetries: first.healthcheck.retries }),
    };
    let state = startGate(policy, { at, info: first });
    const command = kind === 'healthcheck' ? checkCommand(first.healthcheck, first.shell) : undefined;
    let check: CheckRun | undefined;
    let running: Promise<void> | undefined;
    let nextRun = at;
    let next: GateObservation | MissingObservation = { at, info: first };
    for (;;) {
      // The verdict first: a gate that just passed starts no more runs.
      const result = command === undefined ? observe(state, next) : observeReady(state, next, check);
      state = result.state;
      onProgress?.(result.verdict);
      if (result.verdict.state !== 'pending') return result.verdict;
      const now = clock.now().getTime();
      if (
        command !== undefined &&
        running === undefined &&
        now >= nextRun &&
        !('missing' in next) &&
        next.info.state === 'running'
      ) {
        // Runs are spaced from their starts: a slow check does not stretch the interval.
        const began = now;
        running = runCheck(deps, containerId, command, runs.signal).then(
          (r) => {
            check = r;
            running = undefined;
            nextRun = began + nextProbeDelay(service.gate.probeIntervalMs, began - state.startedAt);
            wakeup.wake();
          },
          () => {
            running = undefined;
          },
        );
      }
      const info = 'missing' in next ? undefined : next.info;
      const wakeAt = Math.min(
        state.deadline + 1,
        command !== undefined && running === undefined ? Math.max(nextRun, now + 1) : now + SAFETY_LOOK_MS,
        kind === 'stable' ? stableLook(state, info, next.at, now) : Number.POSITIVE_INFINITY,
      );
      await wakeup.wait(clock, wakeAt - clock.now().getTime(), deps.signal);
      const probedAt = clock.now().getTime();
      const seen = await inspectOrMissing(engine, containerId);
      deps.signal?.throwIfAborted();
      next = seen === undefined ? { at: probedAt, missing: true } : { at: probedAt, info: seen };
    }
  } finally {
    runs.abort(new Error('the gate decided'));
    deps.signal?.removeEventListener('abort', onAbort);
    unsubscribe?.();
    own?.close();
  }
}

/**
 * For `service_healthy`: a running replica Docker has not checked yet (`starting`) counts as healthy
 * when Berth's own run of its healthcheck passes, as in the gates, or when a deploy's gate saw this
 * container run pass recently enough (`recentPassHolds`): then the check is not run again.
 */
async function checkedHealth(
  deps: GateDeps,
  info: ContainerInfo,
  signal: AbortSignal,
  readyAt: number | undefined,
): Promise<ContainerInfo> {
  if (info.state !== 'running' || info.health?.status !== 'starting') return info;
  const healthy = { ...info, health: { ...info.health, status: 'healthy' as const } };
  if (recentPassHolds(info, readyAt, deps.clock.now().getTime())) return healthy;
  const command = checkCommand(info.healthcheck, info.shell);
  if (command === undefined) return info;
  const run = await runCheck(deps, info.id, command, signal);
  return run.exitCode === 0 ? healthy : info;
}

/**
 * Waits until a dependency the deploy leaves alone satisfies a depends_on condition on its running
 * containers: Docker's status, or for `service_healthy` Berth's own run of the check, backing off
 * from `probeIntervalMs`. Woken by the dependency's engine events.
 */
export async function waitForDependency(
  deps: GateDeps & { readonly watch: ContainerWatch },
  dependency: string,
  condition: DependsCondition,
  containerIds: () => Promise<readonly string[]>,
  limits: {
    readonly timeoutMs: number;
    readonly probeIntervalMs: number;
    /** When a deploy's gate last saw this container pass (ms since the epoch), if known. */
    readonly readyAt?: (containerId: string) => number | undefined;
  },
): Promise<ConditionResult> {
  const { clock } = deps;
  const wakeup = new Wakeup();
  const unsubscribe = deps.watch.onService(dependency, wakeup.wake);
  const signal = deps.signal ?? new AbortController().signal;
  try {
    const start = clock.now().getTime();
    const deadline = start + limits.timeoutMs;
    for (;;) {
      signal.throwIfAborted();
      const at = clock.now().getTime();
      // Every replica at once: an inspect and, for service_healthy, maybe a run of its check.
      const looked = await Promise.all(
        (await containerIds()).map(async (id) => {
          const info = await inspectOrMissing(deps.engine, id);
          return info && condition === 'service_healthy'
            ? checkedHealth(deps, info, signal, limits.readyAt?.(id))
            : info;
        }),
      );
      const infos = looked.filter((i): i is ContainerInfo => i !== undefined);
      const result = conditionHolds(condition, infos);
      if (result.holds || result.final) return result;
      if (at > deadline)
        return {
          holds: false,
          final: true,
          why: `timed out after ${formatDuration(limits.timeoutMs)}: ${result.why}`,
        };
      const probing = condition === 'service_healthy' && infos.some((i) => i.health?.status === 'starting');
      const now = clock.now().getTime();
      const gap = probing ? nextProbeDelay(limits.probeIntervalMs, now - start) : SAFETY_LOOK_MS;
      await wakeup.wait(clock, Math.min(deadline + 1 - now, gap), signal);
    }
  } finally {
    unsubscribe();
  }
}
