import type { Clock } from '../clock.js';
import { formatDuration } from '../compose/schema/units.js';
import type { ContainerInfo } from '../engine/types.js';
import { type ConditionResult, conditionHolds, type DependsCondition } from './conditions.js';
import {
  type GateObservation,
  type GatePolicy,
  type GateVerdict,
  type MissingObservation,
  observe,
  startGate,
} from './gate.js';

export interface WaitOptions {
  readonly clock: Clock;
  /** Time between probes; must be > 0. */
  readonly intervalMs: number;
  /** Aborting rejects the wait with the signal's reason. */
  readonly signal?: AbortSignal;
}

function checkInterval(intervalMs: number): void {
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) {
    throw new RangeError(`intervalMs must be a finite number > 0, got ${intervalMs}`);
  }
}

/**
 * The next sleep: one interval, but never past the first moment after the deadline, so a timeout
 * is reported on time rather than up to an interval late.
 */
function nextDelay(clock: Clock, intervalMs: number, deadline: number): number {
  return Math.max(1, Math.min(intervalMs, deadline + 1 - clock.now().getTime()));
}

/**
 * Polls `probe` (undefined: the container is gone) until the gate decides, and returns that
 * verdict. Each observation is stamped with the time the probe began: the state it returns is at
 * least that recent. `onProgress` sees every verdict, the last one included. Probe errors and
 * aborts reject.
 */
export async function runGate(
  policy: GatePolicy,
  probe: () => Promise<ContainerInfo | undefined>,
  options: WaitOptions,
  onProgress?: (verdict: GateVerdict) => void,
): Promise<GateVerdict> {
  const { clock, intervalMs, signal } = options;
  checkInterval(intervalMs);
  signal?.throwIfAborted();
  const at = clock.now().getTime();
  const info = await probe();
  signal?.throwIfAborted();
  if (info === undefined) {
    const verdict: GateVerdict = {
      state: 'failed',
      reason: 'missing',
      detail: 'no container to watch: it was not found when the gate started',
    };
    onProgress?.(verdict);
    return verdict;
  }
  let state = startGate(policy, { at, info });
  let next: GateObservation | MissingObservation = { at, info };
  for (;;) {
    const result = observe(state, next);
    state = result.state;
    onProgress?.(result.verdict);
    if (result.verdict.state !== 'pending') return result.verdict;
    await clock.sleep(nextDelay(clock, intervalMs, state.deadline), signal);
    const probedAt = clock.now().getTime();
    const seen = await probe();
    signal?.throwIfAborted();
    next = seen === undefined ? { at: probedAt, missing: true } : { at: probedAt, info: seen };
  }
}

/**
 * Polls `probe` (every replica of the dependency) until the condition holds or can never hold.
 * Still pending after `timeoutMs`: a final result whose `why` says it timed out and why.
 */
export async function waitForCondition(
  condition: DependsCondition,
  probe: () => Promise<ContainerInfo[]>,
  options: WaitOptions & { readonly timeoutMs: number },
): Promise<ConditionResult> {
  const { clock, intervalMs, signal, timeoutMs } = options;
  checkInterval(intervalMs);
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
    throw new RangeError(`timeoutMs must be a finite number >= 0, got ${timeoutMs}`);
  }
  signal?.throwIfAborted();
  const deadline = clock.now().getTime() + timeoutMs;
  for (;;) {
    const at = clock.now().getTime();
    const infos = await probe();
    signal?.throwIfAborted();
    const result = conditionHolds(condition, infos);
    if (result.holds || result.final) return result;
    if (at > deadline) {
      return {
        holds: false,
        final: true,
        why: `timed out after ${formatDuration(timeoutMs)}: ${result.why}`,
      };
    }
    await clock.sleep(nextDelay(clock, intervalMs, deadline), signal);
  }
}
