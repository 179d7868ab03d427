import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { OperationView } from '../api/operations.js';
import { ApiRequestError } from './api-error.js';
import { followOperation, rateLimitWait, serverGone } from './follow.js';

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

describe('followOperation', () => {
  const op = { id: 'op-7', kind: 'deploy', stack: 'shop' } as unknown as OperationView;
  const frame = (event: string, data: unknown) => [`event: ${event}`, `data: ${JSON.stringify(data)}`, ''];
  const event = (id: number, kind: string, type: string, data?: unknown) =>
    frame('message', { id, at: '2026-12-06T00:00:00.000Z', kind, type, message: `${kind} ${type}`, data });

  it('goes on after a reset of the server’s event log, its ids starting again', async () => {
    const asked: unknown[] = [];
    const streams = [
      event(5, 'deploy', 'build'),
      // The server came back with a new state file: the id the CLI asks after is unknown to it.
      [...frame('reset', { after: 5, latest: 0, message: 'reset' }), ...event(1, 'deploy', 'gate')],
      event(2, 'operation', 'finished', { status: 'succeeded', result: { ok: true } }),
    ];
    const api = {
      url: 'http://127.0.0.1:1',
      lines: (_method: string, _path: string, options?: { query?: Record<string, unknown> }) => {
        asked.push(options?.query?.after);
        const lines = streams.shift() ?? [];
        return (async function* () {
          yield* lines;
        })();
      },
    };
    const seen: string[] = [];
    const result = await followOperation(
      api as never,
      op,
      z.object({ ok: z.boolean() }),
      (e) => seen.push(e.message),
      { sleep: async () => undefined },
    );
    expect(result).toEqual({ ok: true });
    expect(seen).toEqual(['deploy build', 'deploy gate']);
    expect(asked).toEqual([0, 5, 1]);
  });
});
