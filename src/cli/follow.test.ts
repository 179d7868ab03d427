import { describe, expect, it } from 'vitest';
import { ApiRequestError } from './api-error.js';
import { rateLimitWait } from './follow.js';

const refused = (status: number, retryAfterSeconds?: unknown) => {
  const error = new ApiRequestError('TOO_MANY_STREAMS', 'you have 10 streams open', 'close one', status);
  return retryAfterSeconds === undefined ? error : Object.assign(error, { retryAfterSeconds });
};

describe('rateLimitWait', () => {
  it('waits as long as a 429 asks, in milliseconds', () => {
    expect(rateLimitWait(refused(429, 2))).toBe(2000);
    expect(rateLimitWait(refused(429, 0.5))).toBe(500);
    expect(rateLimitWait(refused(429, 0))).toBe(0);
    expect(rateLimitWait(refused(429, 60))).toBe(60_000);
  });

  it('waits 5 s when a 429 does not say how long, or says it in a way it cannot use', () => {
    expect(rateLimitWait(refused(429))).toBe(5000);
    expect(rateLimitWait(refused(429, -1))).toBe(5000);
    expect(rateLimitWait(refused(429, Number.NaN))).toBe(5000);
    expect(rateLimitWait(refused(429, '3'))).toBe(5000);
  });

  it('does not wait for more than a minute, nor for anything but a 429', () => {
    expect(rateLimitWait(refused(429, 61))).toBeUndefined();
    expect(rateLimitWait(refused(403))).toBeUndefined();
    expect(rateLimitWait(refused(503, 1))).toBeUndefined();
    expect(rateLimitWait(new Error('socket hang up'))).toBeUndefined();
  });
});
