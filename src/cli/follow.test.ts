import { describe, expect, it } from 'vitest';
import { ApiRequestError } from './api-error.js';
import { rateLimitWait, serverGone } from './follow.js';

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

describe('serverGone', () => {
  const op = { id: 'op-7', kind: 'job', stack: 'shop' } as const;

  it('says the server went away under a running operation, and where to read how it ended', () => {
    const unreachable = new ApiRequestError(
      'SERVER_UNREACHABLE',
      'cannot reach the Berth server at http://127.0.0.1:7300 (ECONNREFUSED)',
      'is `berth serve` running?',
      0,
    );
    const gone = serverGone(unreachable, op);
    expect(gone).toMatchObject({
      code: 'SERVER_GONE',
      message:
        'the server stopped answering while operation op-7 (job of shop) was running: cannot reach the Berth server at http://127.0.0.1:7300 (ECONNREFUSED)',
      hint: expect.stringContaining('GET /api/v1/stacks/shop/operations/op-7 says how it ended'),
    });
  });

  it('leaves every other error as it is', () => {
    const other = new ApiRequestError('TLS_FAILED', 'untrusted', 'set NODE_EXTRA_CA_CERTS', 0);
    expect(serverGone(other, op)).toBe(other);
    const plain = new Error('socket hang up');
    expect(serverGone(plain, op)).toBe(plain);
  });
});
