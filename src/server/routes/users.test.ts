import { afterEach, describe, expect, it } from 'vitest';
import {
  type AuthFixture,
  authFixture,
  GOOD_PASSWORD,
  OTHER_PASSWORD,
  withAdmin,
} from '../../../test/support/auth.js';
import { authApp, principal, tableAuthenticator } from '../../../test/support/http-app.js';
import { PROBLEM_CONTENT_TYPE } from '../../api/http.js';
import { authServiceAuthenticator } from '../authenticator.js';
import type { Authenticator } from '../context.js';

// User administration over HTTP: the app with the real auth service on a real SQLite file.

const fixtures: AuthFixture[] = [];
afterEach(() => {
  for (const f of fixtures.splice(0)) f.cleanup();
});

function appOver(f: AuthFixture, authenticator: Authenticator = authServiceAuthenticator(f.auth)) {
  return authApp(f, { authenticator, stacks: ['alpha', 'beta', 'shop'] });
}

/** root (global admin) plus a viewer and an operator, each with an API token of their full role. */
async function setup() {
  const f = authFixture();
  fixtures.push(f);
  const rootId = await withAdmin(f);
  const viewer = await f.auth.createUser({
    username: 'vera',
    password: GOOD_PASSWORD,
    grants: [{ role: 'viewer' }],
  });
  const operator = await f.auth.createUser({
    username: 'otto',
    password: GOOD_PASSWORD,
    grants: [{ role: 'operator' }],
  });
  const token = (userId: string, role: 'viewer' | 'operator' | 'admin') =>
    f.auth.createToken(userId, { name: 'test', role, expiresInDays: 1 }).token;
  const tokens = {
    root: token(rootId, 'admin'),
    vera: token(viewer.id, 'viewer'),
    otto: token(operator.id, 'operator'),
  };
  const app = appOver(f);
  /** Every response body, to check that no password or hash ever leaves the server. */
  const bodies: string[] = [];
  const call = async (method: string, path: string, as: keyof typeof tokens | undefined, body?: unknown) => {
    const headers: Record<string, string> = as ? { authorization: `Bearer ${tokens[as]}` } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.request(path, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    bodies.push(text);
    return { status: res.status, type: res.headers.get('content-type'), json: JSON.parse(text) };
  };
  return { f, app, call, bodies, rootId };
}

const neverSecret = (bodies: readonly string[]) => {
  for (const body of bodies) {
    expect(body).not.toContain(GOOD_PASSWORD);
    expect(body).not.toContain(OTHER_PASSWORD);
    expect(body).not.toMatch(/argon2|passwordHash|password_hash/i);
  }
};

describe('user administration', () => {
  it('creates and lists users by username, never showing a password or its hash', async () => {
    const { call, bodies } = await setup();
    const created = await call('POST', '/api/v1/users', 'root', {
      username: 'alice',
      password: OTHER_PASSWORD,
      grants: [{ role: 'operator', stack: 'alpha' }, { role: 'viewer' }],
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      username: 'alice',
      grants: [{ role: 'viewer' }, { role: 'operator', stack: 'alpha' }],
      createdAt: expect.any(String),
    });
    const list = await call('GET', '/api/v1/users', 'root');
    expect(list.status).toBe(200);
    expect(list.json.items.map((u: { username: string }) => u.username)).toEqual([
      'alice',
      'otto',
      'root',
      'vera',
    ]);
    expect(list.json.items[2]).toEqual({
      username: 'root',
      grants: [{ role: 'admin' }],
      createdAt: expect.any(String),
    });
    neverSecret(bodies);
  });

  it('refuses a duplicate username with 409 AUTH_USER_EXISTS', async () => {
    const { call } = await setup();
    const res = await call('POST', '/api/v1/users', 'root', {
      username: 'vera',
      password: OTHER_PASSWORD,
      grants: [],
    });
    expect(res.status).toBe(409);
    expect(res.type).toBe(PROBLEM_CONTENT_TYPE);
    expect(res.json).toMatchObject({ code: 'AUTH_USER_EXISTS', hint: expect.any(String) });
  });

  it('answers invalid input with a problem+json listing the fields', async () => {
    const { call, bodies } = await setup();
    const cases = [
      { username: 'bob', password: 'short', grants: [] },
      { username: 'Bob!', password: OTHER_PASSWORD, grants: [] },
      { username: 'bob', password: OTHER_PASSWORD, grants: [{ role: 'root' }] },
      { username: 'bob', password: OTHER_PASSWORD },
      { username: 'bob', password: OTHER_PASSWORD, grants: [], isAdmin: true },
    ];
    for (const body of cases) {
      const res = await call('POST', '/api/v1/users', 'root', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.type).toBe(PROBLEM_CONTENT_TYPE);
      expect(res.json).toMatchObject({ code: 'VALIDATION', errors: expect.any(Array) });
    }
    const weak = await call('POST', '/api/v1/users', 'root', {
      username: 'bob',
      password: 'password1234',
      grants: [],
    });
    expect(weak.status).toBe(422);
    expect(weak.json.code).toBe('AUTH_WEAK_PASSWORD');
    const badStack = await call('PUT', '/api/v1/users/vera/grants', 'root', {
      grants: [{ role: 'viewer', stack: 'Not A Stack' }],
    });
    expect(badStack.status).toBe(400);
    expect(badStack.json.code).toBe('AUTH_INVALID_INPUT');
    neverSecret(bodies);
  });

  it('replaces grants, 404 for an unknown user, and never removes the last global admin', async () => {
    const { call, bodies } = await setup();
    const granted = await call('PUT', '/api/v1/users/vera/grants', 'root', {
      grants: [{ role: 'operator', stack: 'shop' }],
    });
    expect(granted.status).toBe(200);
    expect(granted.json).toEqual({
      username: 'vera',
      grants: [{ role: 'operator', stack: 'shop' }],
      createdAt: expect.any(String),
    });
    const missing = await call('PUT', '/api/v1/users/nobody/grants', 'root', { grants: [] });
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({ code: 'USER_NOT_FOUND', hint: expect.stringContaining('list') });
    const demoteLast = await call('PUT', '/api/v1/users/root/grants', 'root', {
      grants: [{ role: 'viewer' }],
    });
    expect(demoteLast.status).toBe(409);
    expect(demoteLast.json).toMatchObject({
      code: 'AUTH_LAST_ADMIN',
      hint: expect.stringContaining('another user'),
    });
    // With a second global admin, root may step down.
    expect(
      (await call('PUT', '/api/v1/users/otto/grants', 'root', { grants: [{ role: 'admin' }] })).status,
    ).toBe(200);
    expect(
      (await call('PUT', '/api/v1/users/root/grants', 'root', { grants: [{ role: 'viewer' }] })).status,
    ).toBe(200);
    neverSecret(bodies);
  });

  it('keeps a grant on a stack the workspace does not have, and warns of it', async () => {
    const { call } = await setup();
    const created = await call('POST', '/api/v1/users', 'root', {
      username: 'dave',
      password: OTHER_PASSWORD,
      grants: [
        { role: 'operator', stack: 'nonexist' },
        { role: 'viewer', stack: 'alpha' },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      username: 'dave',
      grants: [
        { role: 'viewer', stack: 'alpha' },
        { role: 'operator', stack: 'nonexist' },
      ],
      warnings: [
        'no stack nonexist in the workspace now: the grant is kept and applies once a stack of that name exists (stacks here: alpha, beta, shop; check the spelling)',
      ],
    });
    const known = await call('PUT', '/api/v1/users/dave/grants', 'root', {
      grants: [{ role: 'operator', stack: 'beta' }],
    });
    expect(known.status).toBe(200);
    expect(known.json).not.toHaveProperty('warnings');
    const unknown = await call('PUT', '/api/v1/users/dave/grants', 'root', {
      grants: [{ role: 'viewer', stack: 'gone' }],
    });
    expect(unknown.json.warnings).toEqual([expect.stringMatching(/^no stack gone in the workspace now/)]);
  });

  it('says a granted stack cannot be checked while the workspace file cannot be read', async () => {
    const f = authFixture();
    fixtures.push(f);
    const rootId = await withAdmin(f);
    const app = authApp(f, { workspaceError: new Error('berth.yaml:2:3: the workspace cannot be read') });
    const res = await app.request('/api/v1/users', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${f.auth.createToken(rootId, { name: 't', role: 'admin', expiresInDays: 1 }).token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        username: 'erin',
        password: OTHER_PASSWORD,
        grants: [{ role: 'viewer', stack: 'alpha' }],
      }),
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { warnings?: string[] }).warnings).toEqual([
      'the workspace file cannot be read now, so whether stack alpha exists cannot be told: the grant is kept (berth.yaml:2:3: the workspace cannot be read)',
    ]);
  });

  it('deletes a user with their tokens; refuses yourself and the last global admin', async () => {
    const { f, call, rootId } = await setup();
    const deleted = await call('DELETE', '/api/v1/users/vera', 'root');
    expect(deleted).toMatchObject({ status: 200, json: { ok: true } });
    // Vera's token went with her.
    expect((await call('GET', '/api/v1/whoami', 'vera')).status).toBe(401);
    expect((await call('DELETE', '/api/v1/users/vera', 'root')).json.code).toBe('USER_NOT_FOUND');

    const self = await call('DELETE', '/api/v1/users/root', 'root');
    expect(self.status).toBe(409);
    expect(self.json).toMatchObject({
      code: 'USER_SELF_DELETE',
      hint: expect.stringContaining('another admin'),
    });

    // An admin principal that is not root itself (e.g. restored from a backup) still cannot delete the last admin.
    const ghost = appOver(f, tableAuthenticator({ ghost: principal('ghost', [{ role: 'admin' }]) }));
    const res = await ghost.request('/api/v1/users/root', {
      method: 'DELETE',
      headers: { authorization: 'Bearer ghost' },
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'AUTH_LAST_ADMIN' });
    expect(f.auth.getUser(rootId)?.username).toBe('root');
  });

  it('is for global admins only: 401 without a token, 403 for a viewer or an operator', async () => {
    const { call } = await setup();
    const requests: Array<[string, string, unknown?]> = [
      ['GET', '/api/v1/users'],
      [
        'POST',
        '/api/v1/users',
        { username: 'mallory', password: OTHER_PASSWORD, grants: [{ role: 'admin' }] },
      ],
      ['PUT', '/api/v1/users/vera/grants', { grants: [{ role: 'admin' }] }],
      ['DELETE', '/api/v1/users/root'],
    ];
    for (const [method, path, body] of requests) {
      expect((await call(method, path, undefined, body)).status).toBe(401);
      for (const who of ['vera', 'otto'] as const) {
        const res = await call(method, path, who, body);
        expect(res.status, `${who} ${method} ${path}`).toBe(403);
        expect(res.json.code).toBe('FORBIDDEN');
      }
    }
    expect((await call('GET', '/api/v1/users', 'root')).json.items).toHaveLength(3);
  });

  it('is recorded in the audit log by the pipeline, with the username and grants but no password', async () => {
    const { f, call } = await setup();
    await call('POST', '/api/v1/users', 'root', {
      username: 'alice',
      password: OTHER_PASSWORD,
      grants: [{ role: 'viewer' }],
    });
    await call('PUT', '/api/v1/users/alice/grants', 'root', {
      grants: [{ role: 'operator', stack: 'shop' }],
    });
    await call('DELETE', '/api/v1/users/alice', 'otto');
    const items = f.auditLog.list({ limit: 10 }).items;
    expect(items.map((e) => [e.actor, e.action, e.target, e.outcome])).toEqual([
      ['otto', 'deleteUser', 'alice', 'denied'],
      ['root', 'setUserGrants', 'alice', 'ok'],
      ['root', 'createUser', 'alice', 'ok'],
    ]);
    expect(items[1]?.detail).toMatchObject({ grants: ['operator@shop'] });
    expect(JSON.stringify(items)).not.toContain(OTHER_PASSWORD);
  });
});
