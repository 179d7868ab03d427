/**
 * The state of one probe from its results: DOWN after `failureThreshold` failures in a row, UP after
 * `successThreshold` successes in a row, and flapping held back. Only changes become events, so
 * a thousand probes checking every few seconds add a line to the event log only when something
 * changes. Pure: the caller passes each result with its time.
 */

export type ProbeStatus = 'unknown' | 'up' | 'down';

export interface ProbeThresholds {
  readonly failureThreshold: number;
  readonly successThreshold: number;
  /** Flapping: `changes` or more UP/DOWN changes within `windowMs` (default 5 within 10 minutes). */
  readonly flap?: { readonly changes: number; readonly windowMs: number };
}

export interface ProbeState {
  readonly status: ProbeStatus;
  /** When the status last changed (ISO), or the first result when still unknown. */
  readonly since?: string;
  readonly failures: number;
  readonly successes: number;
  /** Times (ms) of the recent status changes, within the flapping window. */
  readonly changes: readonly number[];
  readonly flapping: boolean;
}

export type ProbeEvent =
  | { readonly type: 'down' | 'up'; readonly at: string }
  /** Changes come too often: UP/DOWN events are held until it settles. */
  | { readonly type: 'flapping'; readonly at: string }
  /** Settled after flapping, in `status`. */
  | { readonly type: 'settled'; readonly at: string; readonly status: 'up' | 'down' };

export const INITIAL_PROBE_STATE: ProbeState = {
  status: 'unknown',
  failures: 0,
  successes: 0,
  changes: [],
  flapping: false,
};

const DEFAULT_FLAP = { changes: 5, windowMs: 10 * 60_000 };

/** The state after one result, and the event it causes, if any. */
export function stepProbe(
  state: ProbeState,
  result: { readonly ok: boolean; readonly at: Date },
  thresholds: ProbeThresholds,
): { state: ProbeState; event?: ProbeEvent } {
  const now = result.at.getTime();
  const at = result.at.toISOString();
  const flap = thresholds.flap ?? DEFAULT_FLAP;
  const failures = result.ok ? 0 : state.failures + 1;
  const successes = result.ok ? state.successes + 1 : 0;
  const recent = state.changes.filter((t) => now - t < flap.windowMs);
  let status = state.status;
  if (!result.ok && failures >= thresholds.failureThreshold && status !== 'down') status = 'down';
  if (result.ok && successes >= thresholds.successThreshold && status !== 'up') status = 'up';
  const changed = status !== state.status;
  // The first verdict (from unknown) is not a change that counts towards flapping.
  const changes = changed && state.status !== 'unknown' ? [...recent, now] : recent;
  const since = changed || state.since === undefined ? at : state.since;
  const flapping = state.flapping ? changes.length > 0 : changes.length >= flap.changes;
  const next: ProbeState = { status, since, failures, successes, changes, flapping };
  if (flapping && !state.flapping) return { state: next, event: { type: 'flapping', at } };
  if (!flapping && state.flapping && status !== 'unknown') {
    return { state: next, event: { type: 'settled', at, status } };
  }
  // A probe found up at its first verdict is no news (a restart would flood the log); one found down is.
  const news = changed && !(state.status === 'unknown' && status === 'up');
  if (flapping || !news || status === 'unknown') return { state: next };
  return { state: next, event: { type: status, at } };
}
