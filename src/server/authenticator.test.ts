import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from './app.js';
import { authFixture, GOOD_PASSWORD, withAdmin } from './auth/test-support.js';
import { authServiceAuthenticator } from './authenticator.js';
import { SESSION_COOKIE } from './context.js';
import { createMetrics } from './metrics.js';

// The app with the real auth service on a real SQLite file: tokens, sessions and CSRF end to end.

const fixtures: Array<ReturnType<typeof authFixture>> = [];
afterEach(() => {
  for (const f of fixtures.splice(0)) f.cleanup();
});

function setup() {
  const f = authFixture();
  fixtures.push(f);
  const app = createApp({
    authenticator: authServiceAuthenticator(f.auth),
    metrics: createMetrics(),
    clock: f.clock,
    version: 'test',
    ready: async () => [{ name: 'store', ok: true }],
    listStacks: async () => [],
    validate: async () => ({ files: [] }),
    workspaceRoot: '/nonexistent',
  });
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
