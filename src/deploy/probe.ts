import { formatDuration } from '../compose/schema/units.js';
import type { HealthcheckSpec } from '../engine/types.js';

/*
 * Berth's own runs of a service's healthcheck during a deploy: what to run, how long it may take,
 * and when to run it again. Pure.
 */

/** Docker's defaults, used when the healthcheck leaves them out. */
export const DOCKER_CHECK_TIMEOUT_MS = 30_000;
const DEFAULT_SHELL = ['/bin/sh', '-c'] as const;

/** For this long after the gate started, runs come faster than the interval: most services get ready early. */
export const FAST_PROBE_PHASE_MS = 1000;
/** During that phase the gap is this share of the interval (50 ms at the default 250 ms)… */
export const FAST_PROBE_SHARE = 0.2;
/** …but never below this, nor above the interval itself. */
export const FAST_PROBE_MIN_GAP_MS = 50;

/** The longest gap between two runs, however long the wait has been. */
export const PROBE_DELAY_CAP_MS = 5000;
/** Past the first interval, a run is at most this share of the time waited so far late. */
export const PROBE_LATENESS_SHARE = 0.1;

/** Docker keeps this much of a check's output; so does Berth. */
export const CHECK_OUTPUT_MAX_BYTES = 4096;

export interface CheckCommand {
  readonly argv: readonly string[];
  readonly timeoutMs: number;
}

/**
 * The argv the engine would run for this healthcheck, exactly as Docker builds it: `CMD` runs its
 * arguments, `CMD-SHELL` runs its one string under the image's `SHELL` (default `/bin/sh -c`).
 * `NONE`, an empty test, or a test Docker would refuse: nothing Berth can run.
 */
export function checkCommand(
  check: HealthcheckSpec | undefined,
  shell?: readonly string[],
): CheckCommand | undefined {
  if (check === undefined) return undefined;
  const [kind, ...rest] = check.test;
  const timeoutMs =
    check.timeoutMs !== undefined && check.timeoutMs > 0 ? check.timeoutMs : DOCKER_CHECK_TIMEOUT_MS;
  if (kind === 'CMD') return rest.length > 0 && rest[0] !== '' ? { argv: rest, timeoutMs } : undefined;
  if (kind === 'CMD-SHELL') {
    const script = rest.join(' ');
    if (script.trim() === '') return undefined;
    const prefix = shell !== undefined && shell.length > 0 ? shell : DEFAULT_SHELL;
    return { argv: [...prefix, script], timeoutMs };
  }
  return undefined;
}

/**
 * The gap before the next run, `waitedMs` after the gate started: a fifth of the probe interval
 * (at least 50 ms, at most the interval) for the first second, then the interval, then a tenth
 * of the time waited (so a check that passes is seen at most ~10% late), never more than five
 * seconds (nor less than the interval). Runs never overlap: a check slower than the gap runs
 * again as soon as it ends.
 */
export function nextProbeDelay(intervalMs: number, waitedMs: number): number {
  if (!Number.isFinite(intervalMs) || intervalMs <= 0)
    throw new RangeError(`intervalMs must be a finite number > 0, got ${intervalMs}`);
  if (waitedMs < FAST_PROBE_PHASE_MS)
    return Math.min(intervalMs, Math.max(FAST_PROBE_MIN_GAP_MS, Math.round(intervalMs * FAST_PROBE_SHARE)));
  const grown = Math.round(Math.max(0, waitedMs) * PROBE_LATENESS_SHARE);
  return Math.max(intervalMs, Math.min(grown, PROBE_DELAY_CAP_MS));
}

/** The run times (ms after the gate started) of the first `count` runs, for tests and docs. */
export function probeTimes(intervalMs: number, count: number): number[] {
  const times: number[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    times.push(at);
    at += nextProbeDelay(intervalMs, at);
  }
  return times;
}

/** Docker's own words for a check that ran out of time, so both read alike. */
export function timeoutOutput(timeoutMs: number): string {
  return `Health check exceeded timeout (${formatDuration(timeoutMs)})`;
}
