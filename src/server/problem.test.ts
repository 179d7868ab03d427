import { HTTPException } from 'hono/http-exception';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { principal, steppingClock, tableAuthenticator } from '../../test/support/http-app.js';
import { AuthError } from '../access/errors.js';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from '../api/http.js';
import { BackupError } from '../backup/errors.js';
import { DeployError, DeployInterruptedError } from '../deploy/errors.js';
import { EngineError } from '../engine/errors.js';
import { createMetrics } from '../metrics/registry.js';
import { StoreError } from '../store/errors.js';
import { openMemoryStore } from '../store/index.js';
import { mountRoutes } from './app.js';
import { ApiError, problemTitle, toProblem } from './problem.js';
import { defineRoute } from './routes/registry.js';

const SECRET = 'SQLITE_IOERR at /var/lib/berth/berth.db password=hunter2';

describe('toProblem', () => {
  it.each([
    [new DeployError('DEPLOY_IN_PROGRESS', 'a deploy of web runs', 'wait'), 409],
    [new DeployError('DEPLOY_STACK_NOT_FOUND', 'no stack x', 'list them'), 404],
    [new DeployError('DEPLOY_PLAN_REFUSED', 'refused', 'fix it'), 422],
    [new DeployInterruptedError('web', 'SIGTERM'), 503],
    [new EngineError('ENGINE_UNAVAILABLE', 'no engine'), 503],
    [new EngineError('ENGINE_NOT_FOUND', 'no container'), 404],
    [new EngineError('ENGINE_CONFLICT', 'name taken'), 409],
    [new EngineError('ENGINE_TIMEOUT', 'slow'), 504],
    [new StoreError('STORE_NOT_FOUND', 'deployment 3 not found', 'list them'), 404],
    [new StoreError('STORE_LOCKED', 'busy', 'retry'), 503],
    [new AuthError('AUTH_INVALID_CREDENTIALS', 'invalid username or password', 'check them'), 401],
    [new AuthError('AUTH_SETUP_DONE', 'setup is done', 'log in'), 409],
    [new AuthError('AUTH_LAST_ADMIN', 'last admin', 'add another'), 409],
    [new BackupError('BACKUP_NOT_DRILLABLE', 'backup b1 is failed', 'pick a completed one'), 409],
    [new BackupError('BACKUP_TARGET_MISMATCH', 'web-1 has no folder /data', 'restore into api'), 422],
    [new BackupError('BACKUP_STACK_BUSY', 'shop is being deployed', 'retry after it'), 409],
    [new BackupError('BACKUP_NOT_FOUND', 'no backup b1 of stack shop', 'list them'), 404],
  ])('%s → %i with its code, message and hint', (error, status) => {
    const { problem, internal } = toProblem(error, 'r1');
    expect(internal).toBe(false);
    expect(problem).toEqual({
      type: `https://berth.dev/problems/${error.code}`,
      title: problemTitle(error.code),
      status,
      detail: error.message,
      code: error.code,
      hint: error.hint,
      requestId: 'r1',
    });
  });

  it('gives throttled logins a Retry-After and locked stores one too', () => {
    const throttled = new AuthError('AUTH_THROTTLED', 'too many attempts', 'wait', { retryAfterSeconds: 30 });
    expect(toProblem(throttled, 'r').headers).toEqual({ 'Retry-After': '30' });
    expect(toProblem(throttled, 'r').problem.status).toBe(429);
    expect(toProblem(new StoreError('STORE_LOCKED', 'busy', 'retry'), 'r').headers).toEqual({
      'Retry-After': '1',
    });
  });

  it.each([
    new Error(SECRET),
    new StoreError('STORE_IO', SECRET, 'check the disk'),
    new StoreError('STORE_INVALID_INPUT', SECRET, 'bug'),
    new TypeError(SECRET),
    SECRET,
    { message: SECRET },
  ])('hides the cause of internal errors (%s)', (error) => {
    const result = toProblem(error, 'r9');
    expect(result.internal).toBe(true);
    expect(result.problem).toMatchObject({ status: 500, code: 'INTERNAL', requestId: 'r9' });
    expect(JSON.stringify(result.problem)).not.toMatch(/hunter2|SQLITE|berth\.db/);
  });

  it('maps Hono HTTP exceptions by status', () => {
    expect(toProblem(new HTTPException(413), 'r').problem).toMatchObject({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect(toProblem(new HTTPException(418), 'r').problem).toMatchObject({ status: 500, code: 'INTERNAL' });
  });

  it('titles codes in words', () => {
    expect(problemTitle('DEPLOY_IN_PROGRESS')).toBe('Deploy in progress');
    expect(problemTitle('CSRF')).toBe('Csrf');
  });
});

describe('problem responses through the app', () => {
  const failures: Record<string, () => never> = {
    deploy: () => {
      throw new DeployError(
        'DEPLOY_IN_PROGRESS',
        'a deploy of web runs since 10:02',
        'wait for it to finish',
      );
    },
    engine: () => {
      throw new EngineError('ENGINE_UNAVAILABLE', 'no Docker engine answers');
    },
    crash: () => {
      throw new Error(SECRET);
    },
    api: () => {
      throw new ApiError('STACK_NOT_FOUND', 404, 'no stack nope', 'list them', {
        extensions: { stack: 'nope' },
      });
    },
  };
  const logged: object[] = [];
  const app = mountRoutes(
    [
      defineRoute({
        method: 'GET',
        path: '/fail/:kind',
        operationId: 'fail',
        summary: 'throws',
        tags: ['test'],
        permission: 'authenticated',
        mutating: false,
        params: z.object({ kind: z.enum(['deploy', 'engine', 'crash', 'api']) }),
        response: z.object({}),
        handler: ({ params }) => failures[params.kind]?.() ?? {},
      }),
      defineRoute({
        method: 'POST',
        path: '/echo',
        operationId: 'echo',
        summary: 'echoes',
        tags: ['test'],
        permission: 'authenticated',
        mutating: true,
        body: z.strictObject({ services: z.array(z.object({ name: z.string() })).min(1) }),
        response: z.object({ count: z.number() }),
        handler: ({ body }) => ({ count: body.services.length }),
      }),
      defineRoute({
        method: 'GET',
        path: '/drift',
        operationId: 'drift',
        summary: 'answers what its schema does not say',
        tags: ['test'],
        permission: 'authenticated',
        mutating: false,
        response: z.object({ n: z.number() }),
        handler: () => ({ n: 'not a number' }) as unknown as { n: number },
      }),
    ],
    {
      authenticator: tableAuthenticator({ t: principal('t', []) }),
      auditLog: openMemoryStore(steppingClock()).auditLog,
      metrics: createMetrics(),
      clock: steppingClock(),
      logger: { info: () => {}, error: (obj) => void logged.push(obj) },
      newRequestId: () => 'generated-id',
      checkResponses: true,
      maxBodyBytes: 256,
    },
  );
  const auth = { Authorization: 'Bearer t' };

  async function problemOf(res: Response) {
    expect(res.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
    const body = await res.text();
    return { body, json: ProblemSchema.parse(JSON.parse(body)) };
  }

  it('maps domain errors with their code, hint and the caller’s request id', async () => {
    const res = await app.request('/fail/deploy', { headers: { ...auth, 'X-Request-Id': 'abc-123' } });
    expect(res.status).toBe(409);
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    expect((await problemOf(res)).json).toMatchObject({
      type: 'https://berth.dev/problems/DEPLOY_IN_PROGRESS',
      code: 'DEPLOY_IN_PROGRESS',
      detail: 'a deploy of web runs since 10:02',
      hint: 'wait for it to finish',
      requestId: 'abc-123',
    });
    logged.length = 0;
    expect((await app.request('/fail/engine', { headers: auth })).status).toBe(503);
    expect(logged).toMatchObject([{ route: '/fail/:kind' }]);
    const api = await problemOf(await app.request('/fail/api', { headers: auth }));
    expect(api.json).toMatchObject({ code: 'STACK_NOT_FOUND', stack: 'nope' });
  });

  it('replaces a request id that is unsafe to log', async () => {
    for (const id of ['has space', 'x'.repeat(129), 'quote"s']) {
      const res = await app.request('/fail/deploy', { headers: { ...auth, 'X-Request-Id': id } });
      expect(res.headers.get('x-request-id')).toBe('generated-id');
      expect((await problemOf(res)).json.requestId).toBe('generated-id');
    }
  });

  it('answers a 500 without the message or a stack trace, and logs the error', async () => {
    logged.length = 0;
    const res = await app.request('/fail/crash', { headers: { ...auth, 'X-Request-Id': 'crash-1' } });
    expect(res.status).toBe(500);
    const { body, json } = await problemOf(res);
    expect(json).toMatchObject({ code: 'INTERNAL', requestId: 'crash-1' });
    expect(body).not.toMatch(/hunter2|SQLITE|\bat \S+:\d+/);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ requestId: 'crash-1', route: '/fail/:kind' });
  });

  it('turns a response that drifts from its schema into a 500', async () => {
    const res = await app.request('/drift', { headers: auth });
    expect(res.status).toBe(500);
    expect((await problemOf(res)).body).not.toContain('not a number');
  });

  it('maps body problems: field paths, bad JSON, wrong type, too large', async () => {
    const post = (body: string, type = 'application/json') =>
      app.request('/echo', { method: 'POST', headers: { ...auth, 'Content-Type': type }, body });
    const ok = await post(JSON.stringify({ services: [{ name: 'web' }] }));
    expect(await ok.json()).toEqual({ count: 1 });

    const invalid = await problemOf(await post(JSON.stringify({ services: [{ name: 1 }], extra: true })));
    expect(invalid.json).toMatchObject({ status: 400, code: 'VALIDATION' });
    expect(invalid.json.errors).toEqual([
      expect.objectContaining({ in: 'body', path: 'services[0].name', code: 'invalid_type' }),
      expect.objectContaining({ in: 'body', path: '', code: 'unrecognized_keys' }),
    ]);
    expect((await problemOf(await post('{not json'))).json).toMatchObject({
      status: 400,
      code: 'INVALID_JSON',
    });
    expect((await problemOf(await post('a=b', 'application/x-www-form-urlencoded'))).json).toMatchObject({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    const big = JSON.stringify({ services: Array.from({ length: 50 }, () => ({ name: 'web' })) });
    expect((await problemOf(await post(big))).json).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
  });

  it('answers unknown routes with a 404 problem', async () => {
    const res = await app.request('/no/such/route', { headers: { 'X-Request-Id': 'nf-1' } });
    expect(res.status).toBe(404);
    expect((await problemOf(res)).json).toMatchObject({ code: 'NOT_FOUND', requestId: 'nf-1' });
  });
});
