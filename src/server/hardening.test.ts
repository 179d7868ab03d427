import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type AuthFixture, authFixture, GOOD_PASSWORD, withAdmin } from '../../test/support/auth.js';
import { authApp, testDeps } from '../../test/support/http-app.js';
import { createMetrics } from '../metrics/registry.js';
import { createApp, mountRoutes, SECURITY_HEADERS } from './app.js';
import { authServiceAuthenticator } from './authenticator.js';
import type { AppLogger } from './context.js';
import { defineRoute } from './routes/registry.js';

// Issue 13: what anonymous callers can write to the audit log, which token acted, narrow tokens and
// their owner's other tokens, and the headers and aborts of the front door. The app with the real auth
// service on a real SQLite file.

const fixtures: AuthFixture[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((done) => s.close(done));
  for (const f of fixtures.splice(0)) f.cleanup();
});

function fixture(): AuthFixture {
  const f = authFixture();
  fixtures.push(f);
  return f;
}

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe('anonymous calls and the audit log', () => {
  it('refuses setup once a user exists with 409 and no entry, however often it is called', async () => {
    const f = fixture();
    const app = authApp(f);
    const token = f.auth.issueSetupToken();
    expect(
      (await app.request('/api/v1/setup', json({ token, username: 'root', password: GOOD_PASSWORD }))).status,
    ).toBe(201);
    for (let i = 0; i < 200; i++) {
      const res = await app.request(
        '/api/v1/setup',
        json({ token: `t${i}`, username: `u${i}`, password: 'x' }),
      );
      expect(res.status).toBe(409);
    }
    expect(f.auditLog.list({ limit: 1000 }).items.map((e) => [e.action, e.outcome])).toEqual([
      ['completeSetup', 'ok'],
    ]);
  });

  it('throttles wrong setup tokens, so their entries stay few', async () => {
    const f = fixture();
    const app = authApp(f);
    f.auth.issueSetupToken();
    const statuses: number[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await app.request(
        '/api/v1/setup',
        json({ token: `t${i}`, username: 'root', password: 'x' }),
      );
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(new Set(statuses.slice(5))).toEqual(new Set([429]));
    expect(f.auditLog.list({ limit: 1000 }).items).toHaveLength(5);
  });

  it('records a name that is no user as a hash: a password typed as a username is not kept', async () => {
    const f = fixture();
    await withAdmin(f);
    const app = authApp(f);
    const typed = [GOOD_PASSWORD.toUpperCase(), 'evil\r\u001b[2K2025-01-01 admin deleteUser root ok\n'];
    for (const username of typed) {
      expect((await app.request('/api/v1/login', json({ username, password: 'whatever' }))).status).toBe(401);
    }
    expect(
      (await app.request('/api/v1/login', json({ username: 'ROOT', password: 'wrong-one' }))).status,
    ).toBe(401);
    const actors = f.auditLog
      .list({ limit: 10, action: 'login' })
      .items.map((e) => e.actor)
      .reverse();
    expect(actors[0]).toMatch(/^unknown:[0-9a-f]{12}$/);
    expect(actors[1]).toMatch(/^unknown:[0-9a-f]{12}$/);
    expect(actors[0]).not.toBe(actors[1]);
    // A user's name is kept as the user's.
    expect(actors[2]).toBe('root');
    expect(f.fileBytes().includes(GOOD_PASSWORD.toUpperCase())).toBe(false);
    expect(f.fileBytes().includes('deleteUser root')).toBe(false);
  });

  it('names the API token that acted', async () => {
    const f = fixture();
    const rootId = await withAdmin(f);
    const app = authApp(f);
    const { id, token } = f.auth.createToken(rootId, { name: 'ci', role: 'admin', expiresInDays: 1 });
    const res = await app.request(
      '/api/v1/users',
      json({ username: 'alice', password: GOOD_PASSWORD, grants: [] }, { authorization: `Bearer ${token}` }),
    );
    expect(res.status).toBe(201);
    const [entry] = f.auditLog.list({ limit: 1, action: 'createUser' }).items;
    expect(entry).toMatchObject({ actor: 'root', outcome: 'ok', detail: { via: 'token', token: id } });
  });

  it('writes the entry when the call starts, and its outcome when it ends', async () => {
    const f = fixture();
    const rootId = await withAdmin(f);
    let release = () => {};
    const gate = new Promise<void>((done) => {
      release = done;
    });
    const route = defineRoute({
      method: 'POST',
      path: '/api/v1/stacks/:stack/slow',
      operationId: 'slowThing',
      summary: 'test',
      tags: ['test'],
      permission: { role: 'operator', scope: 'stack' },
      mutating: true,
      params: z.object({ stack: z.string() }),
      response: z.object({ ok: z.literal(true) }),
      handler: async ({ audit }) => {
        await gate;
        audit({ detail: { service: 'web' } });
        return { ok: true as const };
      },
    });
    const app = mountRoutes([route], {
      authenticator: authServiceAuthenticator(f.auth),
      auditLog: f.auditLog,
      metrics: createMetrics(),
      clock: f.clock,
    });
    const { token } = f.auth.createToken(rootId, { name: 'ci', role: 'operator', expiresInDays: 1 });
    const pending = app.request('/api/v1/stacks/shop/slow', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    await new Promise((done) => setTimeout(done, 20));
    const [running] = f.auditLog.list({ limit: 1 }).items;
    expect(running).toMatchObject({ actor: 'root', action: 'slowThing', target: 'shop', outcome: 'started' });
    expect(running?.endedAt).toBeUndefined();
    f.clock.advance(60_000);
    release();
    expect((await pending).status).toBe(200);
    const [done] = f.auditLog.list({ limit: 1 }).items;
    expect(done).toMatchObject({
      id: running?.id,
      outcome: 'ok',
      at: running?.at,
      endedAt: '2025-01-01T00:01:00.000Z',
      detail: { via: 'token', service: 'web' },
    });
  });
});

describe('API tokens and their owner’s other tokens', () => {
  it('lets a token see and revoke only itself and the tokens within its role and stacks', async () => {
    const f = fixture();
    const rootId = await withAdmin(f);
    const app = authApp(f);
    const make = (name: string, role: 'viewer' | 'operator' | 'admin', stacks?: string[]) =>
      f.auth.createToken(rootId, { name, role, expiresInDays: 1, ...(stacks ? { stacks } : {}) });
    const admin = make('admin', 'admin');
    const viewerAll = make('viewer-all', 'viewer');
    const viewerAlpha = make('viewer-alpha', 'viewer', ['alpha']);
    const operatorAB = make('operator-ab', 'operator', ['alpha', 'beta']);
    const as = (t: { token: string }) => ({ authorization: `Bearer ${t.token}` });
    const names = async (t: { token: string }) => {
      const res = await app.request('/api/v1/tokens', { headers: as(t) });
      return ((await res.json()) as { items: Array<{ name: string }> }).items.map((i) => i.name).sort();
    };
    const revoke = async (t: { token: string }, id: string) =>
      (await app.request(`/api/v1/tokens/${id}`, { method: 'DELETE', headers: as(t) })).status;

    expect(await names(viewerAlpha)).toEqual(['viewer-alpha']);
    expect(await names(operatorAB)).toEqual(['operator-ab', 'viewer-alpha']);
    expect(await names(viewerAll)).toEqual(['viewer-all', 'viewer-alpha']);
    expect(await names(admin)).toEqual(['admin', 'operator-ab', 'viewer-all', 'viewer-alpha']);

    expect(await revoke(viewerAlpha, admin.id)).toBe(404);
    expect(await revoke(viewerAlpha, operatorAB.id)).toBe(404);
    expect(await revoke(operatorAB, viewerAll.id)).toBe(404);
    expect(await revoke(operatorAB, viewerAlpha.id)).toBe(200);
    // A token may always revoke itself.
    expect(await revoke(operatorAB, operatorAB.id)).toBe(200);
    expect(f.auth.tokenPrincipal(admin.token)).toBeDefined();
    expect(f.auth.tokenPrincipal(viewerAll.token)).toBeDefined();
  });
});

describe('the headers of every answer', () => {
  it('forbid framing, sniffing, scripts, referrers and caching, on answers and problems alike', async () => {
    const f = fixture();
    const app = authApp(f);
    const answers = [
      await app.request('/healthz'),
      await app.request('/api/v1/openapi.json'),
      await app.request('/api/v1/whoami'),
      await app.request('/no/such/route'),
      await app.request('/api/v1/login', json({ username: 'x' })),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 401, 404, 400]);
    for (const res of answers) {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name)).toBe(value);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });
});

describe('a client that leaves in the middle of its request', () => {
  it('is answered 400 REQUEST_ABORTED, logged without a stack trace, and audited as failed', async () => {
    const f = fixture();
    const rootId = await withAdmin(f);
    const logged: Array<{ level: string; obj: object; msg?: string }> = [];
    const logger: AppLogger = {
      info: (obj, msg) => logged.push({ level: 'info', obj, ...(msg ? { msg } : {}) }),
      error: (obj, msg) => logged.push({ level: 'error', obj, ...(msg ? { msg } : {}) }),
    };
    const deps = testDeps({
      root: '/nonexistent',
      authenticator: authServiceAuthenticator(f.auth),
      logger,
      authRoutes: { auth: f.auth, auditLog: f.auditLog, clock: f.clock, secureCookies: false },
    });
    const app = createApp(deps);
    const server = createServer(getRequestListener(app.fetch));
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const { token } = f.auth.createToken(rootId, { name: 'ci', role: 'admin', expiresInDays: 1 });

    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      [
        'POST /api/v1/users HTTP/1.1',
        'Host: 127.0.0.1',
        `Authorization: Bearer ${token}`,
        'Content-Type: application/json',
        'Content-Length: 1000',
        '',
        '{"username":"al',
      ].join('\r\n'),
    );
    await new Promise((done) => setTimeout(done, 50));
    socket.destroy();

    const deadline = Date.now() + 5000;
    while (!logged.some((l) => l.obj && 'status' in l.obj) && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 20));
    }
    expect(logged.filter((l) => l.level === 'error')).toEqual([]);
    const aborted = logged.find((l) => l.msg?.startsWith('client closed'));
    expect(aborted?.obj).not.toHaveProperty('err');
    const [entry] = f.auditLog.list({ limit: 1, action: 'createUser' }).items;
    expect(entry).toMatchObject({ outcome: 'failed', detail: { code: 'REQUEST_ABORTED' } });
    const statuses = logged.flatMap((l) => ('status' in l.obj ? [(l.obj as { status: number }).status] : []));
    expect(statuses).toEqual([400]);
  });
});
