import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Principal } from '../../access/rbac.js';
import {
  allows,
  canSome,
  checkPermission,
  checkRoutes,
  defineRoute,
  PUBLIC_ROUTES,
  pathParams,
  type Route,
} from './registry.js';

const base = {
  method: 'GET',
  path: '/api/v1/things',
  operationId: 'listThings',
  summary: 'things',
  tags: ['test'],
  mutating: false,
  response: z.object({ ok: z.boolean() }),
  handler: () => ({ ok: true }),
} as const;

const who = (grants: Principal['grants'], extra: Partial<Principal> = {}): Principal => ({
  kind: 'user',
  userId: 'u1',
  name: 'u1',
  grants,
  ...extra,
});

describe('defineRoute', () => {
  it('refuses a route without a permission, at compile time and at run time', () => {
    // @ts-expect-error: `permission` is required
    expect(() => defineRoute({ ...base })).toThrow(/must declare a permission/);
    expect(() => defineRoute({ ...base, permission: undefined as never })).toThrow(
      /must declare a permission/,
    );
  });

  it('refuses unknown roles and scopes', () => {
    expect(() => defineRoute({ ...base, permission: { role: 'root', scope: 'global' } as never })).toThrow(
      /unknown role root/,
    );
    expect(() => defineRoute({ ...base, permission: { role: 'viewer', scope: 'world' } as never })).toThrow(
      /unknown permission scope world/,
    );
  });

  it('refuses a public route that is not on the reviewed list', () => {
    expect(() => defineRoute({ ...base, permission: 'public' })).toThrow(/not in PUBLIC_ROUTES/);
    expect(PUBLIC_ROUTES).toEqual([
      'GET /healthz',
      'GET /readyz',
      'GET /api/v1/openapi.json',
      'GET /api/v1/setup',
      'POST /api/v1/setup',
      'POST /api/v1/login',
    ]);
  });

  it('refuses a stack-scoped permission on a path without :stack', () => {
    expect(() => defineRoute({ ...base, permission: { role: 'viewer', scope: 'stack' } })).toThrow(
      /needs a :stack path parameter/,
    );
  });

  it('refuses params that do not match the path', () => {
    expect(() =>
      defineRoute({
        ...base,
        path: '/api/v1/stacks/:stack',
        permission: { role: 'viewer', scope: 'stack' },
        params: z.object({ name: z.string() }),
      }),
    ).toThrow(/params schema declares \[name\] but the path has \[stack\]/);
    expect(() =>
      defineRoute({
        ...base,
        path: '/api/v1/stacks/:stack',
        permission: { role: 'viewer', scope: 'global' },
      }),
    ).toThrow(/declares \[\] but the path has \[stack\]/);
  });

  it('ties mutating to the method so CSRF cannot be forgotten', () => {
    expect(() => defineRoute({ ...base, method: 'POST', permission: 'authenticated' })).toThrow(/mutating/);
    expect(() => defineRoute({ ...base, mutating: true, permission: 'authenticated' })).toThrow(/mutating/);
  });

  it('accepts a well-formed route and fills defaults', () => {
    const route = defineRoute({ ...base, permission: { role: 'viewer', scope: 'global' } });
    expect(route).toMatchObject({ status: 200, contentType: 'application/json', errors: [], example: {} });
    expect(Object.isFrozen(route)).toBe(true);
  });

  it('types the principal: defined on protected routes, possibly undefined on public ones', () => {
    defineRoute({
      ...base,
      permission: 'authenticated',
      response: z.object({ name: z.string() }),
      handler: ({ principal }) => ({ name: principal.name }),
    });
    defineRoute({
      ...base,
      path: '/healthz',
      permission: 'public',
      response: z.object({ name: z.string() }),
      // @ts-expect-error: a public route has no principal to rely on
      handler: ({ principal }) => ({ name: principal.name }),
    });
  });
});

describe('checkRoutes', () => {
  const route = defineRoute({ ...base, permission: 'authenticated' });

  it('refuses duplicates and forged routes without a permission', () => {
    expect(() => checkRoutes([route, route])).toThrow(/defined twice/);
    expect(() =>
      checkRoutes([
        { ...route, operationId: 'x', path: '/x' },
        { ...route, path: '/y', operationId: 'x' },
      ]),
    ).toThrow(/operationId x is used twice/);
    const forged = { ...route, permission: undefined } as unknown as Route;
    expect(() => checkRoutes([forged])).toThrow(/must declare a permission/);
  });
});

describe('permissions', () => {
  it('checkPermission accepts the four forms only', () => {
    for (const ok of [
      'public',
      'authenticated',
      { role: 'admin', scope: 'global' },
      { role: 'viewer', scope: 'any-stack' },
    ]) {
      expect(() => checkPermission(ok, 'x')).not.toThrow();
    }
    for (const bad of [undefined, null, 'viewer', {}, { role: 'viewer' }]) {
      expect(() => checkPermission(bad, 'x')).toThrow();
    }
  });

  it('stack scope uses the :stack parameter and never falls back to a global check', () => {
    const opAlpha = who([{ role: 'operator', stack: 'alpha' }]);
    const perm = { role: 'operator', scope: 'stack' } as const;
    expect(allows(opAlpha, perm, { stack: 'alpha' })).toBe(true);
    expect(allows(opAlpha, perm, { stack: 'beta' })).toBe(false);
    expect(allows(who([{ role: 'admin' }]), perm, {})).toBe(false);
  });

  it('any-stack: some grant of the role, within the token scope', () => {
    expect(canSome(who([{ role: 'viewer', stack: 'alpha' }]), 'viewer')).toBe(true);
    expect(canSome(who([{ role: 'viewer', stack: 'alpha' }]), 'operator')).toBe(false);
    expect(canSome(who([]), 'viewer')).toBe(false);
    const scoped = who([{ role: 'admin' }], {
      kind: 'token',
      tokenScope: { role: 'viewer', stacks: ['beta'] },
    });
    expect(canSome(scoped, 'viewer')).toBe(true);
    expect(canSome(scoped, 'operator')).toBe(false);
    const scopedAway = who([{ role: 'admin', stack: 'alpha' }], {
      tokenScope: { role: 'admin', stacks: ['beta'] },
    });
    expect(canSome(scopedAway, 'viewer')).toBe(false);
  });

  it('pathParams reads Hono path syntax', () => {
    expect(pathParams('/api/v1/stacks/:stack/services/:service')).toEqual(['stack', 'service']);
  });
});
