import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { principal, steppingClock, tableAuthenticator } from '../../test/support/http-app.js';
import { createMetrics } from '../metrics/registry.js';
import { openMemoryStore } from '../store/index.js';
import { mountRoutes } from './app.js';
import { bearerToken } from './authenticator.js';
import type { AppLogger } from './context.js';
import { defineRoute } from './routes/registry.js';

// The per-request shortcuts of the request path: a request without a query reuses its route's parsed
// answer to `{}`, the access-log line of a quiet read is not built when debug is off, the bearer token
// is read without a regular expression match, and the handler's functions work unbound.

interface Line {
  level: 'debug' | 'info';
  obj: object;
}

function recorder(debugOn: boolean | undefined) {
  const lines: Line[] = [];
  const logger: AppLogger = {
    debug: (obj) => void lines.push({ level: 'debug', obj }),
    info: (obj) => void lines.push({ level: 'info', obj }),
    error: () => {},
    ...(debugOn === undefined ? {} : { isLevelEnabled: (level: string) => level !== 'debug' || debugOn }),
  };
  return { lines, logger };
}

function testApp(logger?: AppLogger) {
  const seen: unknown[] = [];
  const app = mountRoutes(
    [
      defineRoute({
        method: 'GET',
        path: '/list',
        operationId: 'list',
        summary: 'answers its query',
        tags: ['test'],
        permission: 'authenticated',
        mutating: false,
        query: z.strictObject({
          limit: z.coerce.number().int().min(1).default(50),
          tag: z.string().optional(),
        }),
        response: z.object({ limit: z.number(), tag: z.string().optional() }),
        handler: ({ query }) => {
          seen.push(query);
          return query;
        },
      }),
      defineRoute({
        method: 'GET',
        path: '/needs',
        operationId: 'needs',
        summary: 'needs a query parameter',
        tags: ['test'],
        permission: 'authenticated',
        mutating: false,
        query: z.strictObject({ name: z.string() }),
        response: z.object({ name: z.string() }),
        handler: ({ query }) => query,
      }),
      defineRoute({
        method: 'GET',
        path: '/unbound',
        operationId: 'unbound',
        summary: 'uses its functions unbound',
        tags: ['test'],
        permission: 'authenticated',
        mutating: false,
        response: z.object({ echo: z.string().optional(), aborted: z.boolean() }),
        handler: ({ header, setHeader, signal }) => {
          setHeader('X-One', '1');
          setHeader('X-Two', '2');
          return { echo: header('x-echo'), aborted: signal.aborted };
        },
      }),
    ],
    {
      authenticator: tableAuthenticator({ t: principal('t', []) }),
      auditLog: openMemoryStore(steppingClock()).auditLog,
      metrics: createMetrics(),
      clock: steppingClock(),
      ...(logger ? { logger } : {}),
      checkResponses: true,
    },
  );
  const get = (path: string, headers: Record<string, string> = {}) =>
    app.request(path, { headers: { Authorization: 'Bearer t', ...headers } });
  return { get, seen };
}

describe('a query-less request', () => {
  it("gets its route's defaults, the same frozen value each time; a query is parsed as sent", async () => {
    const { get, seen } = testApp();
    expect(await (await get('/list')).json()).toEqual({ limit: 50 });
    expect(await (await get('/list')).json()).toEqual({ limit: 50 });
    expect(await (await get('/list?limit=5&tag=x')).json()).toEqual({ limit: 5, tag: 'x' });
    const [first, second, third] = seen;
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(third).not.toBe(first);
    expect((await get('/list?limit=0')).status).toBe(400);
    expect(await (await get('/list')).json()).toEqual({ limit: 50 });
  });

  it('is refused each time when its route needs a query parameter', async () => {
    const { get } = testApp();
    for (let i = 0; i < 2; i++) {
      const res = await get('/needs');
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ errors: [{ in: 'query', path: 'name' }] });
    }
    expect(await (await get('/needs?name=a')).json()).toEqual({ name: 'a' });
  });
});

describe('the access log', () => {
  const requests = (lines: Line[]) =>
    lines.map(({ level, obj }) => ({ level, ...(obj as { route: string; status: number }) }));

  it('builds no line for a successful read while debug is off; refusals and misses stay at info', async () => {
    const { lines, logger } = recorder(false);
    const { get } = testApp(logger);
    expect((await get('/list')).status).toBe(200);
    expect(lines).toEqual([]);
    expect((await get('/list?limit=0')).status).toBe(400);
    expect((await get('/nowhere')).status).toBe(404);
    expect(requests(lines)).toMatchObject([
      { level: 'info', route: '/list', status: 400 },
      { level: 'info', route: 'unmatched', status: 404 },
    ]);
  });

  it('writes successful reads at debug when debug is on, or when the logger cannot tell', async () => {
    for (const debugOn of [true, undefined]) {
      const { lines, logger } = recorder(debugOn);
      const { get } = testApp(logger);
      await get('/list', { 'X-Request-Id': 'r-1' });
      expect(requests(lines)).toMatchObject([
        { level: 'debug', route: '/list', status: 200, requestId: 'r-1' },
      ]);
    }
  });
});

describe('bearerToken', () => {
  it('reads `Bearer <token>` as /^Bearer (\\S+)$/ does', () => {
    const headers = [
      'Bearer abc',
      'Bearer a.b-c_d',
      'Bearer ',
      'Bearer  abc',
      'Bearer abc ',
      'Bearer a b',
      'Bearer a\tb',
      'Bearer abc\n',
      'bearer abc',
      'Token abc',
      'Bearerabc',
      '',
    ];
    for (const header of headers) {
      expect(bearerToken(header), JSON.stringify(header)).toBe(/^Bearer (\S+)$/.exec(header)?.[1]);
    }
    expect(bearerToken('Bearer abc')).toBe('abc');
  });
});

describe("a handler's functions", () => {
  it('work unbound: headers in order, request headers and the signal', async () => {
    const { get } = testApp();
    const res = await get('/unbound', { 'X-Echo': 'hi' });
    expect(await res.json()).toEqual({ echo: 'hi', aborted: false });
    expect(res.headers.get('x-one')).toBe('1');
    expect(res.headers.get('x-two')).toBe('2');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-request-id')).toBeTruthy();
  });
});
