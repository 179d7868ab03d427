/**
 * When a failed delivery is tried again: a fixed schedule (no jitter, so tests and operators can
 * predict it), then given up as a dead letter. Seven attempts over about 52 minutes ride out a
 * restarting receiver or a short network outage without sending a stale alert hours later.
 */
export const RETRY_SCHEDULE_MS: readonly number[] = [10_000, 30_000, 60_000, 300_000, 900_000, 1_800_000];
export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length + 1;
/** The longest a receiver's Retry-After is honoured. */
export const MAX_RETRY_AFTER_MS = 3_600_000;

export interface Failure {
  readonly error: string;
  /** Trying again cannot help (a 400, 401, 404: the request or the settings are wrong). */
  readonly permanent?: boolean;
  /** What the receiver asked for (HTTP 429/503 Retry-After). */
  readonly retryAfterMs?: number;
}

export type AfterFailure =
  | { readonly action: 'retry'; readonly nextAt: number }
  | { readonly action: 'dead'; readonly reason: string };

/** `attempts`: the attempts made, this one included; `now` in ms. */
export function afterFailure(attempts: number, now: number, failure: Failure): AfterFailure {
  if (failure.permanent) return { action: 'dead', reason: `${failure.error} (not retried)` };
  const delay = RETRY_SCHEDULE_MS[attempts - 1];
  if (delay === undefined)
    return { action: 'dead', reason: `${failure.error} (gave up after ${attempts} attempts)` };
  const asked = Math.min(Math.max(failure.retryAfterMs ?? 0, 0), MAX_RETRY_AFTER_MS);
  return { action: 'retry', nextAt: now + Math.max(delay, asked) };
}
