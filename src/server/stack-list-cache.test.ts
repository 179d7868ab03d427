import { afterEach, describe, expect, it } from 'vitest';
import { type AuthFixture, authFixture, GOOD_PASSWORD, withAdmin } from '../../test/support/auth.js';
import { principal, tableAuthenticator, testDeps } from '../../test/support/http-app.js';
import type { Principal } from '../access/rbac.js';
import type { StackInfo } from '../compose/workspace-source.js';
import { createApp } from './app.js';
import { authServiceAuthenticator } from './authenticator.js';
import type { Authenticator } from './context.js';

// GET /api/v1/stacks answers a caller again from the page it made for that caller while the catalog
// (the same array) and the query are the same: these tests hold it to what a fresh answer would be.

const info = (name: string, services: readonly string[] = ['web']): StackInfo => ({
  name,
  group: name === 'beta' ? 'edge' : null,
  owner: null,
  description: `the "${name}" stack ✓`,
  environment: 'prod',
  valid: true,
  services,
});

/** Each stack as the list shows it, spelled out here (never derived from the route's own mapping). */
const item = (name: string, group: string | null, services: number) => ({
  name,
  group,
  owner: null,
  description: `the "${name}" stack ✓`,
  environment: 'prod',
  valid: true,
  services,
});
const shown = {
  alpha: item('alpha', null, 2),
  /** alpha after it lost its db service */
  alpha2: item('alpha', null, 1),
  beta: item('beta', 'edge', 1),
  gamma: item('gamma', null, 1),
  delta: item('delta', null, 1),
};

/** What a fresh answer is: the caller's stacks by name, as JSON.stringify writes the page. */
const page = (items: readonly ReturnType<typeof item>[], nextCursor: string | null = null) =>
  JSON.stringify({ items, nextCursor });

const fixtures: AuthFixture[] = [];
afterEach(() => {
  for (const f of fixtures.splice(0)) f.cleanup();
});

/** The app over a catalog the test swaps, as the workspace watcher does (a new array per change). */
function catalogApp(authenticator: Authenticator, checkResponses: boolean) {
  const catalog = { stacks: [info('gamma'), info('alpha', ['web', 'db']), info('beta')] as StackInfo[] };
  const deps = testDeps({ root: '/nonexistent', authenticator });
  // The catalog loads (no workspace error): what is kept is the list itself.
  const app = createApp({
    ...deps,
    checkResponses,
    listStacks: async () => catalog.stacks,
    workspaceError: async () => undefined,
  });
  const list = async (token: string, query = '') => {
    const res = await app.request(`/api/v1/stacks${query}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    // A caller with no stack at all is refused (the route needs viewer on at least one).
    if (res.status === 403) return 'FORBIDDEN';
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-request-id')).toMatch(/^req-\d+$/);
    return res.text();
  };
  return { catalog, list };
}

const tokens: Record<string, Principal> = {
  all: principal('all', [{ role: 'viewer' }]),
  alpha: principal('alpha', [{ role: 'operator', stack: 'alpha' }]),
  scoped: principal('scoped', [{ role: 'admin' }], { tokenScope: { role: 'viewer', stacks: ['beta'] } }),
};

describe.each([false, true])('the kept stack list (checkResponses %s)', (checkResponses) => {
  it('answers each caller only its own stacks, however the calls interleave', async () => {
    const { list } = catalogApp(tableAuthenticator(tokens), checkResponses);
    for (let round = 0; round < 3; round++) {
      expect(await list('all')).toBe(page([shown.alpha, shown.beta, shown.gamma]));
      expect(await list('alpha')).toBe(page([shown.alpha]));
      expect(await list('scoped')).toBe(page([shown.beta]));
    }
  });

  it('changes as soon as a stack is added, changed or removed', async () => {
    const { catalog, list } = catalogApp(tableAuthenticator(tokens), checkResponses);
    const [gamma, , beta] = catalog.stacks as [StackInfo, StackInfo, StackInfo];
    expect(await list('all')).toBe(page([shown.alpha, shown.beta, shown.gamma]));
    const delta = info('delta');
    catalog.stacks = [...catalog.stacks, delta];
    expect(await list('all')).toBe(page([shown.alpha, shown.beta, shown.delta, shown.gamma]));
    const alpha2 = info('alpha', ['web']);
    catalog.stacks = [gamma, alpha2, beta, delta];
    expect(await list('all')).toBe(page([shown.alpha2, shown.beta, shown.delta, shown.gamma]));
    expect(await list('alpha')).toBe(page([shown.alpha2]));
    catalog.stacks = [gamma, beta];
    expect(await list('all')).toBe(page([shown.beta, shown.gamma]));
    expect(await list('alpha')).toBe(page([]));
  });

  it('keeps pages apart: the limit and the cursor are part of what is kept', async () => {
    const { list } = catalogApp(tableAuthenticator(tokens), checkResponses);
    const first = JSON.parse(await list('all', '?limit=2')) as { nextCursor: string };
    expect(first).toEqual(JSON.parse(page([shown.alpha, shown.beta], first.nextCursor)));
    expect(typeof first.nextCursor).toBe('string');
    const cursor = `?limit=2&cursor=${first.nextCursor}`;
    expect(await list('all', cursor)).toBe(page([shown.gamma]));
    expect(await list('all', '?limit=2')).toBe(page([shown.alpha, shown.beta], first.nextCursor));
    expect(await list('all')).toBe(page([shown.alpha, shown.beta, shown.gamma]));
  });
});

describe('the kept stack list with the auth service', () => {
  it("follows a user's grants: a grant change is seen on the very next call", async () => {
    const f = authFixture();
    fixtures.push(f);
    await withAdmin(f);
    const user = await f.auth.createUser({
      username: 'alice',
      password: GOOD_PASSWORD,
      grants: [
        { role: 'viewer', stack: 'alpha' },
        { role: 'viewer', stack: 'beta' },
      ],
    });
    const { token } = f.auth.createToken(user.id, { name: 'ci', role: 'viewer', expiresInDays: 1 });
    const { token: other } = f.auth.createToken(user.id, {
      name: 'beta-only',
      role: 'viewer',
      stacks: ['beta'],
      expiresInDays: 1,
    });
    // A token is made within its owner's grants; the owner then loses beta.
    f.auth.setGrants(user.id, [{ role: 'viewer', stack: 'alpha' }]);
    const { list } = catalogApp(authServiceAuthenticator(f.auth), false);
    expect(await list(token)).toBe(page([shown.alpha]));
    expect(await list(token)).toBe(page([shown.alpha]));
    // The same owner, a narrower token: its own answer, never the other token's.
    expect(await list(other)).toBe('FORBIDDEN');
    f.auth.setGrants(user.id, [{ role: 'viewer' }]);
    expect(await list(token)).toBe(page([shown.alpha, shown.beta, shown.gamma]));
    expect(await list(other)).toBe(page([shown.beta]));
    f.auth.setGrants(user.id, [{ role: 'viewer', stack: 'gamma' }]);
    expect(await list(token)).toBe(page([shown.gamma]));
    expect(await list(other)).toBe('FORBIDDEN');
  });
});
