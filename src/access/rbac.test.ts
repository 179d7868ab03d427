import { describe, expect, it } from 'vitest';
import { can, type Grant, type Principal } from './rbac.js';
import { ROLES, type Role } from './roles.js';

const user = (grants: Grant[]): Principal => ({ kind: 'user', userId: 'usr_1', name: 'alice', grants });
const token = (grants: Grant[], role: Role, stacks?: string[]): Principal => ({
  kind: 'token',
  userId: 'usr_1',
  name: 'alice',
  grants,
  tokenScope: stacks === undefined ? { role } : { role, stacks },
});

/** held → needed → allowed: a role includes every role below it. */
const INCLUDES: Record<Role, Record<Role, boolean>> = {
  viewer: { viewer: true, operator: false, admin: false },
  operator: { viewer: true, operator: true, admin: false },
  admin: { viewer: true, operator: true, admin: true },
};

const STACKS = [undefined, 'web', 'db'] as const;

describe('can: user grants', () => {
  for (const held of ROLES) {
    for (const needed of ROLES) {
      const allowed = INCLUDES[held][needed];
      it(`${held} on every stack ${allowed ? 'may' : 'may not'} act as ${needed}, globally and on any stack`, () => {
        for (const stack of STACKS) expect(can(user([{ role: held }]), needed, stack)).toBe(allowed);
      });
      it(`${held} on web ${allowed ? 'may' : 'may not'} act as ${needed} on web, and never elsewhere`, () => {
        const p = user([{ role: held, stack: 'web' }]);
        expect(can(p, needed, 'web')).toBe(allowed);
        expect(can(p, needed, 'db')).toBe(false);
        expect(can(p, needed)).toBe(false);
      });
    }
  }

  it('grants nothing without grants', () => {
    for (const role of ROLES) for (const stack of STACKS) expect(can(user([]), role, stack)).toBe(false);
  });

  it('combines a global grant with a higher stack grant', () => {
    const p = user([{ role: 'viewer' }, { role: 'admin', stack: 'web' }]);
    expect(can(p, 'admin', 'web')).toBe(true);
    expect(can(p, 'operator', 'db')).toBe(false);
    expect(can(p, 'viewer', 'db')).toBe(true);
    expect(can(p, 'operator')).toBe(false);
  });
});

describe('can: token scopes', () => {
  for (const cap of ROLES) {
    for (const needed of ROLES) {
      const allowed = INCLUDES[cap][needed];
      it(`an admin's ${cap} token ${allowed ? 'may' : 'may not'} act as ${needed}`, () => {
        for (const stack of STACKS) expect(can(token([{ role: 'admin' }], cap), needed, stack)).toBe(allowed);
      });
      it(`an admin's ${cap} token on web ${allowed ? 'may' : 'may not'} act as ${needed} on web, never elsewhere`, () => {
        const p = token([{ role: 'admin' }], cap, ['web']);
        expect(can(p, needed, 'web')).toBe(allowed);
        expect(can(p, needed, 'db')).toBe(false);
        expect(can(p, needed)).toBe(false);
      });
    }
  }

  it('never exceeds its owner: a viewer’s admin token only views', () => {
    const p = token([{ role: 'viewer' }], 'admin');
    expect(can(p, 'viewer', 'web')).toBe(true);
    expect(can(p, 'operator', 'web')).toBe(false);
    expect(can(p, 'admin')).toBe(false);
  });

  it('needs both the owner’s grant and the token’s stack', () => {
    const p = token([{ role: 'operator', stack: 'web' }], 'operator', ['web', 'db']);
    expect(can(p, 'operator', 'web')).toBe(true);
    expect(can(p, 'viewer', 'db')).toBe(false);
    const q = token([{ role: 'operator' }], 'operator', ['db']);
    expect(can(q, 'operator', 'web')).toBe(false);
    expect(can(q, 'operator', 'db')).toBe(true);
  });

  it('allows nothing with an empty stack list', () => {
    const p = token([{ role: 'admin' }], 'admin', []);
    for (const role of ROLES) for (const stack of STACKS) expect(can(p, role, stack)).toBe(false);
  });
});

describe('can: properties over every combination', () => {
  const grantSets: Grant[][] = [[]];
  for (const role of ROLES)
    for (const stack of STACKS) grantSets.push([stack === undefined ? { role } : { role, stack }]);
  const scopes: (Principal['tokenScope'] | undefined)[] = [undefined];
  for (const role of ROLES)
    for (const stacks of [undefined, ['web'], ['db'], ['web', 'db']])
      scopes.push(stacks ? { role, stacks } : { role });
  const principals = grantSets.flatMap((grants) =>
    scopes.map(
      (tokenScope): Principal => (tokenScope ? { ...user(grants), kind: 'token', tokenScope } : user(grants)),
    ),
  );

  it('a token never allows more than its owner', () => {
    for (const p of principals) {
      const owner = user([...p.grants]);
      for (const role of ROLES)
        for (const stack of STACKS) if (can(p, role, stack)) expect(can(owner, role, stack)).toBe(true);
    }
  });

  it('allowing a role allows every lower role', () => {
    for (const p of principals) {
      for (const stack of STACKS) {
        for (const [i, role] of ROLES.entries()) {
          if (!can(p, role, stack)) continue;
          for (const lower of ROLES.slice(0, i)) expect(can(p, lower, stack)).toBe(true);
        }
      }
    }
  });

  it('allowing globally allows on every stack', () => {
    for (const p of principals) {
      for (const role of ROLES) {
        if (!can(p, role)) continue;
        for (const stack of STACKS) expect(can(p, role, stack)).toBe(true);
      }
    }
  });
});
