import { afterAll, describe, expect, it } from 'vitest';
import { authFixture } from '../../test/support/auth.js';
import { CONTAINERS, TableStacks, tableControl } from '../../test/support/control.js';
import {
  exampleRequest,
  grantsOf,
  makeWorkspace,
  principal,
  tableAuthenticator,
  testDeps,
} from '../../test/support/http-app.js';
import { ROLES, type Role, roleRank } from '../access/roles.js';
import type { ContainerRow } from '../api/deploy.js';
import { openMemoryStore } from '../store/index.js';
import { appRoutes, createApp } from './app.js';
import { checkPermission, PUBLIC_ROUTES, type Route, routeKey } from './routes/registry.js';

const workspace = makeWorkspace();
afterAll(() => workspace.cleanup());

/**
 * `global-<role>`, `alpha-<role>` (grant on stack alpha only), `beta-<role>`, `zeta-<role>` (a grant
 * on a stack outside the workspace), and `nobody` (no grants).
 */
const tokens = Object.fromEntries([
  ['nobody', principal('nobody', [])],
  ...ROLES.flatMap((role) => [
    [`global-${role}`, principal(`global-${role}`, grantsOf(role))],
    [`alpha-${role}`, principal(`alpha-${role}`, grantsOf(role, 'alpha'))],
    [`beta-${role}`, principal(`beta-${role}`, grantsOf(role, 'beta'))],
    [`zeta-${role}`, principal(`zeta-${role}`, grantsOf(role, 'zeta'))],
  ]),
]);

/** A Berth stack on the engine that is not this server's: in no workspace, never deployed here. */
const OUTSIDE = 'zeta';
const outsideContainer: ContainerRow = {
  stack: OUTSIDE,
  service: 'api',
  replica: 1,
  name: 'zeta-api-1',
  id: 'id-zeta-api',
  state: 'running',
  status: 'Up 5 minutes',
  ports: [],
  image: 'nginx:1.27',
};

// The auth routes run over a real auth service, so the matrix covers them too.
const authStore = authFixture();
afterAll(() => authStore.cleanup());
// The stack-operation routes run over test stacks and a real store; `op-example` is the
// operation the getOperation example names.
const controlStore = openMemoryStore(authStore.clock);
afterAll(() => controlStore.close());
controlStore.operations.start({ id: 'op-example', stack: 'alpha', kind: 'up', actor: 'x', requestId: 'r' });
const control = tableControl(controlStore, new TableStacks([...CONTAINERS, outsideContainer]));
const deps = testDeps({
  root: workspace.root,
  authenticator: tableAuthenticator(tokens),
  control,
  authRoutes: {
    auth: authStore.auth,
    auditLog: authStore.auditLog,
    clock: authStore.clock,
    secureCookies: false,
  },
});
const app = createApp(deps);
const routes = appRoutes(deps);
const protectedRoutes = routes.filter((r) => r.permission !== 'public');
const roleRoutes = routes.filter(
  (r): r is Route & { permission: { role: Role; scope: string } } => typeof r.permission === 'object',
);

async function call(route: Route, token?: string) {
  const { path, init } = exampleRequest(route, token ? { Authorization: `Bearer ${token}` } : {});
  const res = await app.request(path, init);
  // A successful stream (events) stays open: its status is the answer, the body is dropped.
  const streaming = route.stream && res.ok;
  const body = streaming ? '' : await res.text();
  if (streaming) await res.body?.cancel();
  // Operations started by a call finish before the next call, so none is refused as in progress.
  await control.runner.idle();
  return { status: res.status, body, headers: res.headers };
}

const below = (role: Role): Role | undefined => ROLES[roleRank(role) - 1];
const tokenFor = (role: Role | undefined, where: 'global' | 'alpha' | 'beta' = 'global') =>
  role === undefined ? 'nobody' : `${where}-${role}`;

describe('the route table', () => {
  it('gives every route a valid permission', () => {
    expect(routes.length).toBeGreaterThan(5);
    for (const route of routes)
      expect(() => checkPermission(route.permission, routeKey(route))).not.toThrow();
  });

  it('has exactly the reviewed public routes', () => {
    const publicKeys = routes.filter((r) => r.permission === 'public').map(routeKey);
    expect(publicKeys.sort()).toEqual([
      'GET /api/v1/openapi.json',
      'GET /api/v1/setup',
      'GET /healthz',
      'GET /readyz',
      'POST /api/v1/login',
      'POST /api/v1/setup',
    ]);
    for (const key of publicKeys) expect(PUBLIC_ROUTES).toContain(key);
  });

  it.each(routes.filter((r) => r.permission === 'public').map((r) => [routeKey(r), r] as const))(
    'public %s answers without credentials',
    async (_key, route) => {
      const res = await call(route);
      // The pipeline lets it through: it answers, or its own handler refuses the example's made-up
      // credentials (an AUTH_* problem), never the pipeline's UNAUTHENTICATED.
      if (res.status !== route.status) expect(JSON.parse(res.body).code).toMatch(/^AUTH_/);
      else expect(res.status).toBe(route.status);
    },
  );
});

describe.each(protectedRoutes.map((r) => [routeKey(r), r] as const))('%s', (_key, route) => {
  it('is 401 without credentials or with an unknown token', async () => {
    for (const token of [undefined, 'no-such-token']) {
      const res = await call(route, token);
      expect(res.status).toBe(401);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="berth"');
    }
  });

  if (route.permission === 'authenticated') {
    it('accepts any principal, even one without grants', async () => {
      const res = await call(route, 'nobody');
      // The pipeline lets it through; the handler may still answer with its own rules (a token
      // cannot mint tokens; another user's token does not exist for you), never with 401/403 codes.
      if (res.status !== route.status) {
        expect(['UNAUTHENTICATED', 'FORBIDDEN', 'CSRF']).not.toContain(JSON.parse(res.body).code);
      }
    });
  }
});

describe.each(roleRoutes.map((r) => [routeKey(r), r] as const))('%s', (_key, route) => {
  const { role, scope } = route.permission;

  it(`is 403 one role below ${role}`, async () => {
    const res = await call(route, tokenFor(below(role)));
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'FORBIDDEN', status: 403 });
  });

  it(`passes with ${role}`, async () => {
    const res = await call(route, tokenFor(role));
    expect([401, 403]).not.toContain(res.status);
    expect(res.status, res.body).toBe(route.status);
  });

  if (scope === 'global') {
    it(`is 403 with ${role} on one stack only`, async () => {
      expect((await call(route, tokenFor(role, 'alpha'))).status).toBe(403);
    });
  }

  if (scope === 'stack') {
    it(`passes with ${role} on the stack in the path, and is 403 with it on another stack`, async () => {
      expect(route.example.params?.stack).toBe('alpha');
      expect((await call(route, tokenFor(role, 'alpha'))).status).toBe(route.status);
      expect((await call(route, tokenFor(role, 'beta'))).status).toBe(403);
      expect((await call(route, tokenFor(below(role), 'alpha'))).status).toBe(403);
    });
  }

  if (scope === 'any-stack') {
    it(`passes with ${role} on a single stack`, async () => {
      expect((await call(route, tokenFor(role, 'alpha'))).status).toBe(route.status);
    });
  }
});

describe.each(roleRoutes.filter((r) => r.permission.scope === 'stack').map((r) => [routeKey(r), r] as const))(
  '%s on a stack outside the workspace',
  (_key, route) => {
    const { role } = route.permission;
    const outside = {
      ...route,
      example: { ...route.example, params: { ...route.example.params, stack: OUTSIDE } },
    };

    it('is 404 with the role (globally or on that stack), before anything runs; 403 below it', async () => {
      const calls = control.stacks.calls.length;
      const events = control.hub.latestId();
      for (const token of [tokenFor(role), `zeta-${role}`, 'global-admin']) {
        const res = await call(outside, token);
        expect([token, res.status]).toEqual([token, 404]);
        expect(JSON.parse(res.body).code).toMatch(/_NOT_FOUND$/);
      }
      expect((await call(outside, tokenFor(below(role)))).status).toBe(403);
      // No engine call, no operation (its `started` event), no metric series named after the stack.
      expect(control.stacks.calls.length).toBe(calls);
      expect(control.hub.latestId()).toBe(events);
      expect(await deps.metrics.registry.metrics()).not.toContain(OUTSIDE);
    });
  },
);

describe('stacks outside the workspace in lists', () => {
  const get = async (path: string, token: string) => {
    const res = await app.request(path, { headers: { Authorization: `Bearer ${token}` } });
    return { status: res.status, json: (await res.json()) as { items: Array<{ stack: string }> } };
  };

  it('GET /api/v1/containers leaves them out, for a global admin and a grant on that stack alike', async () => {
    for (const token of ['global-admin', 'global-viewer', 'zeta-viewer']) {
      const all = await get('/api/v1/containers?oneoff=true', token);
      expect(all.status).toBe(200);
      expect(all.json.items.map((c) => c.stack)).not.toContain(OUTSIDE);
      expect((await get(`/api/v1/containers?stack=${OUTSIDE}`, token)).json.items).toEqual([]);
    }
    expect((await get('/api/v1/containers', 'global-viewer')).json.items.map((c) => c.stack)).toContain(
      'alpha',
    );
  });

  it('GET /api/v1/orphans lists only them, to a global admin only', async () => {
    const orphans = await get('/api/v1/orphans', 'global-admin');
    expect(orphans.json.items.map((c) => c.stack)).toEqual([OUTSIDE]);
    for (const token of ['global-operator', 'zeta-admin', 'alpha-admin'])
      expect((await get('/api/v1/orphans', token)).status).toBe(403);
  });

  it('POST /api/v1/orphans/:stack/down refuses a stack of this server and one without containers', async () => {
    for (const stack of ['alpha', 'nowhere']) {
      const res = await app.request(`/api/v1/orphans/${stack}/down`, {
        method: 'POST',
        headers: { Authorization: 'Bearer global-admin', 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect([stack, res.status]).toEqual([stack, 404]);
      expect(((await res.json()) as { code: string }).code).toBe('ORPHAN_NOT_FOUND');
    }
  });
});
