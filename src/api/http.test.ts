import { describe, expect, it } from 'vitest';
import { retryAfterMs } from './http.js';

describe('retryAfterMs', () => {
  const now = Date.parse('2026-12-06T01:00:00Z');

  it('reads delay-seconds', () => {
    expect(retryAfterMs('5', now)).toBe(5000);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP date as the time left, never negative', () => {
    expect(retryAfterMs('Sun, 06 Dec 2026 01:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Sun, 06 Dec 2026 00:59:00 GMT', now)).toBe(0);
  });

  it('is undefined when absent or unreadable', () => {
    expect(retryAfterMs(undefined, now)).toBeUndefined();
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('  ', now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });
});
