import { afterEach, describe, expect, it } from 'vitest';
import { authFixture, GOOD_PASSWORD, OTHER_PASSWORD, withAdmin } from '../../test/support/auth.js';
import { authApp } from '../../test/support/http-app.js';
import { SESSION_COOKIE } from '../api/http.js';

// The app with the real auth service on a real SQLite file: tokens, sessions and CSRF end to end.

const fixtures: Array<ReturnType<typeof authFixture>> = [];
afterEach(() => {
  for (const f of fixtures.splice(0)) f.cleanup();
});

/** The app over a real auth service; with `authRoutes`, setup/login/logout/token routes too. */
function setup(options: { authRoutes?: boolean } = {}) {
  const f = authFixture();
  fixtures.push(f);
  const app = authApp(f, { authRoutes: options.authRoutes === true, secureCookies: true });
  return { f, app };
}

describe('app + auth service', () => {
  it('accepts a scoped API token and refuses a wrong, malformed or revoked one', async () => {
    const { f, app } = setup();
    const admin = await withAdmin(f);
    const { id, token } = f.auth.createToken(admin, { name: 'ci', role: 'viewer', expiresInDays: 30 });
    const who = await app.request('/api/v1/whoami', { headers: { authorization: `Bearer ${token}` } });
    expect(who.status).toBe(200);
    expect(await who.json()).toMatchObject({ name: 'root', kind: 'token' });
    // The viewer token of an admin cannot do admin things.
    expect((await app.request('/metrics', { headers: { authorization: `Bearer ${token}` } })).status).toBe(
      403,
    );
    expect(
      (await app.request('/api/v1/whoami', { headers: { authorization: 'Bearer berth_nope' } })).status,
    ).toBe(401);
    expect(
      (await app.request('/api/v1/whoami', { headers: { authorization: `Token ${token}` } })).status,
    ).toBe(401);
    f.auth.revokeToken(id);
    expect(
      (await app.request('/api/v1/whoami', { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(401);
  });

  it('needs the CSRF token for a state-changing request made with a session cookie', async () => {
    const { f, app } = setup();
    await withAdmin(f);
    const { session } = await f.auth.login({ username: 'root', password: GOOD_PASSWORD, ip: '127.0.0.1' });
    const cookie = `${SESSION_COOKIE}=${session.id}`;
    const post = (csrf?: string) =>
      app.request('/api/v1/validate', {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', ...(csrf ? { 'x-csrf-token': csrf } : {}) },
        body: JSON.stringify({ path: '.' }),
      });
    expect((await post()).status).toBe(403);
    expect((await post('wrong')).status).toBe(403);
    expect([401, 403]).not.toContain((await post(session.csrf)).status);
    expect((await app.request('/api/v1/whoami', { headers: { cookie } })).status).toBe(200);
  });
});

describe('setup, login and logout over HTTP', () => {
  function appWithAuthRoutes() {
    const { f, app } = setup({ authRoutes: true });
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    return { f, app, post };
  }

  it('creates the first admin once with the setup token, then logs in with a cookie session', async () => {
    const { f, app, post } = appWithAuthRoutes();
    const token = f.auth.issueSetupToken();
    const status = async () => (await (await app.request('/api/v1/setup')).json()) as { needed: boolean };
    expect(await status()).toEqual({ needed: true });
    const setup = await post('/api/v1/setup', { token, username: 'root', password: GOOD_PASSWORD });
    expect(setup.status).toBe(201);
    expect(await status()).toEqual({ needed: false });
    const again = await post('/api/v1/setup', { token, username: 'evil', password: GOOD_PASSWORD });
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(((await again.json()) as { code: string }).code).toMatch(/^AUTH_SETUP_/);

    const wrong = await post('/api/v1/login', { username: 'root', password: 'not-the-password' });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { code: string }).code).toBe('AUTH_INVALID_CREDENTIALS');

    const login = await post('/api/v1/login', { username: 'root', password: GOOD_PASSWORD });
    expect(login.status).toBe(200);
    const cookie = login.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^berth_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Expires=.+; Secure$/);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const session = cookie.split(';')[0] ?? '';
    expect((await app.request('/api/v1/whoami', { headers: { cookie: session } })).status).toBe(200);

    expect((await post('/api/v1/logout', {}, { cookie: session })).status).toBe(403);
    const out = await post('/api/v1/logout', {}, { cookie: session, 'x-csrf-token': csrfToken });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await app.request('/api/v1/whoami', { headers: { cookie: session } })).status).toBe(401);

    // Every attempt is audited (but setup once it is done), and no password or token is in the log.
    const log = f.auditLog.list({ limit: 100 }).items;
    expect(log.map((e) => [e.action, e.outcome]).reverse()).toEqual([
      ['completeSetup', 'ok'],
      ['login', 'failed'],
      ['login', 'ok'],
      ['logout', 'denied'],
      ['logout', 'ok'],
    ]);
    const text = JSON.stringify(log);
    for (const secret of [GOOD_PASSWORD, 'not-the-password', token, csrfToken])
      expect(text).not.toContain(secret);
  });

  it('lets a signed-in user create, list and revoke API tokens; a token cannot mint tokens', async () => {
    const { f, app, post } = appWithAuthRoutes();
    await withAdmin(f);
    const login = await post('/api/v1/login', { username: 'root', password: GOOD_PASSWORD });
    const session = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const asUser = { cookie: session, 'x-csrf-token': csrfToken };

    const created = await post('/api/v1/tokens', { name: 'ci', role: 'viewer', expiresInDays: 7 }, asUser);
    expect(created.status).toBe(201);
    const { id, token } = (await created.json()) as { id: string; token: string };
    expect(token).toMatch(/^berth_/);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await app.request('/api/v1/whoami', { headers: bearer })).status).toBe(200);

    const list = await app.request('/api/v1/tokens', { headers: { cookie: session } });
    const text = await list.text();
    expect(text).toContain(id);
    expect(text).not.toContain(token);

    const minted = await post('/api/v1/tokens', { name: 'more', role: 'admin', expiresInDays: 365 }, bearer);
    expect(minted.status).toBe(403);
    expect(((await minted.json()) as { code: string }).code).toBe('SESSION_REQUIRED');

    const missing = await app.request('/api/v1/tokens/not-a-token', { method: 'DELETE', headers: asUser });
    expect(missing.status).toBe(404);
    expect((await app.request(`/api/v1/tokens/${id}`, { method: 'DELETE', headers: asUser })).status).toBe(
      200,
    );
    expect((await app.request('/api/v1/whoami', { headers: bearer })).status).toBe(401);
    expect(JSON.stringify(f.auditLog.list({ limit: 100 }).items)).not.toContain(token);
  });

  it('refuses, 403, a token beyond what its owner holds now', async () => {
    const { f, post } = appWithAuthRoutes();
    await withAdmin(f);
    const bob = await f.auth.createUser({
      username: 'bob',
      password: OTHER_PASSWORD,
      grants: [{ role: 'operator', stack: 'shop' }],
    });
    const login = await post('/api/v1/login', { username: 'bob', password: OTHER_PASSWORD });
    const session = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const asBob = { cookie: session, 'x-csrf-token': csrfToken };
    const mint = (body: object) => post('/api/v1/tokens', { name: 'ci', expiresInDays: 7, ...body }, asBob);

    for (const body of [{ role: 'admin' }, { role: 'operator', stacks: ['other'] }]) {
      const refused = await mint(body);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({
        code: 'AUTH_TOKEN_BEYOND_GRANTS',
        detail: expect.stringContaining('they hold operator on shop'),
        hint: expect.stringMatching(/ask an admin/),
      });
    }
    expect((await mint({ role: 'operator', stacks: ['shop'] })).status).toBe(201);
    expect(f.auth.listTokens(bob.id)).toHaveLength(1);
  });

  it('throttles repeated failures with 429 and Retry-After', async () => {
    const { f, post } = appWithAuthRoutes();
    await withAdmin(f);
    let last: Response | undefined;
    for (let i = 0; i < 8; i++)
      last = await post('/api/v1/login', { username: 'root', password: `wrong-${i}-attempt` });
    expect(last?.status).toBe(429);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    // The tries are on record; the refused ones were not tries and leave no entry.
    const logins = f.auditLog.list({ limit: 100, action: 'login' }).items;
    expect(logins.map((e) => [e.actor, e.outcome])).toEqual(Array(5).fill(['root', 'failed']));
  });
});
