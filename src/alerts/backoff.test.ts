import { describe, expect, it } from 'vitest';
import { afterFailure, MAX_ATTEMPTS, RETRY_SCHEDULE_MS } from './backoff.js';

// Retries on a fixed schedule, then a dead letter; at once when retrying cannot help.

describe('afterFailure', () => {
  it('waits 10 s, 30 s, 1 m, 5 m, 15 m, 30 m, then gives up after the seventh attempt', () => {
    const waits = RETRY_SCHEDULE_MS.map((_, i) => {
      const next = afterFailure(i + 1, 1000, { error: 'HTTP 503' });
      return next.action === 'retry' ? next.nextAt - 1000 : next.action;
    });
    expect(waits).toEqual([10_000, 30_000, 60_000, 300_000, 900_000, 1_800_000]);
    expect(MAX_ATTEMPTS).toBe(7);
    expect(afterFailure(7, 1000, { error: 'HTTP 503' })).toEqual({
      action: 'dead',
      reason: 'HTTP 503 (gave up after 7 attempts)',
    });
  });

  it('gives up at once on a permanent failure', () => {
    expect(afterFailure(1, 0, { error: 'HTTP 404', permanent: true })).toEqual({
      action: 'dead',
      reason: 'HTTP 404 (not retried)',
    });
  });

  it('honours a longer Retry-After, up to an hour, never a shorter one', () => {
    expect(afterFailure(1, 0, { error: 'HTTP 429', retryAfterMs: 120_000 })).toEqual({
      action: 'retry',
      nextAt: 120_000,
    });
    expect(afterFailure(1, 0, { error: 'HTTP 429', retryAfterMs: 1000 })).toEqual({
      action: 'retry',
      nextAt: 10_000,
    });
    expect(afterFailure(1, 0, { error: 'HTTP 429', retryAfterMs: 86_400_000 })).toEqual({
      action: 'retry',
      nextAt: 3_600_000,
    });
  });
});
