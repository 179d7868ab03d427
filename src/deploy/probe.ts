import { formatDuration } from '../compose/schema/units.js';
import type { HealthcheckSpec } from '../engine/types.js';

/*
 * Berth's own runs of a service's healthcheck during a deploy: what to run, how long it may take,
 * and when to run it again. Pure.
 */

/** Docker's defaults, used when the healthcheck leaves them out. */
export const DOCKER_CHECK_TIMEOUT_MS = 30_000;
const DEFAULT_SHELL = ['/bin/sh', '-c'] as const;

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
 * The gap before the next run, `waitedMs` after the gate started: the probe interval at first,
 * then a tenth of the time waited (so a check that passes is seen at most ~10% late), never more
 * than five seconds (nor less than the interval).
 */
export function nextProbeDelay(intervalMs: number, waitedMs: number): number {
  if (!Number.isFinite(intervalMs) || intervalMs <= 0)
    throw new RangeError(`intervalMs must be a finite number > 0, got ${intervalMs}`);
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
