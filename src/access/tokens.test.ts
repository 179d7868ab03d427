import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AuthFixture,
  authFixture,
  GOOD_PASSWORD,
  thrownCode,
  withAdmin,
} from '../../test/support/auth.js';
import { can } from './rbac.js';
import { sha256Hex } from './secrets.js';

let f: AuthFixture;
let rootId: string;
beforeEach(async () => {
  f = authFixture();
  rootId = await withAdmin(f);
});
afterEach(() => f.cleanup());

const DAY = 86_400_000;

describe('API tokens', () => {
  it('are berth_ plus 32 random bytes, shown once and stored as sha256 only', () => {
    const created = f.auth.createToken(rootId, { name: 'ci deploy', role: 'operator', expiresInDays: 30 });
    expect(created.token).toMatch(/^berth_[A-Za-z0-9_-]{43}$/);
    expect(created.id).toMatch(/^tok_[0-9a-f]{24}$/);
    expect(created.expiresAt).toBe('2025-01-31T00:00:00.000Z');
    const listed = f.auth.listTokens(rootId);
    expect(listed).toEqual([
      {
        id: created.id,
        userId: rootId,
        name: 'ci deploy',
        role: 'operator',
        createdAt: '2025-01-01T00:00:00.000Z',
        expiresAt: created.expiresAt,
      },
    ]);
    expect(f.auth.getToken(created.id)).toEqual(listed[0]);
    expect(JSON.stringify(listed)).not.toContain(sha256Hex(created.token));
    const bytes = f.fileBytes();
    expect(bytes.includes(sha256Hex(created.token))).toBe(true);
    expect(bytes.includes(created.token)).toBe(false);
    expect(bytes.includes(created.token.slice('berth_'.length))).toBe(false);
  });

  it('cap what the owner may do: an admin’s viewer token cannot operate', () => {
    const { token } = f.auth.createToken(rootId, { name: 'dashboard', role: 'viewer', expiresInDays: 7 });
    const principal = f.auth.tokenPrincipal(token);
    expect(principal).toMatchObject({
      kind: 'token',
      userId: rootId,
      name: 'root',
      grants: [{ role: 'admin' }],
    });
    if (principal === undefined) throw new Error('unreachable');
    expect(principal.tokenScope).toEqual({ role: 'viewer' });
    expect(can(principal, 'viewer', 'web')).toBe(true);
    expect(can(principal, 'viewer')).toBe(true);
    expect(can(principal, 'operator', 'web')).toBe(false);
    expect(can(principal, 'admin')).toBe(false);
  });

  it('can be limited to stacks', () => {
    const { token } = f.auth.createToken(rootId, {
      name: 'web deploys',
      role: 'operator',
      stacks: ['web', 'api', 'web'],
      expiresInDays: 7,
    });
    const principal = f.auth.tokenPrincipal(token);
    if (principal === undefined) throw new Error('token not accepted');
    expect(principal.tokenScope).toEqual({ role: 'operator', stacks: ['api', 'web'] });
    expect(can(principal, 'operator', 'web')).toBe(true);
    expect(can(principal, 'operator', 'db')).toBe(false);
    expect(can(principal, 'viewer')).toBe(false);
  });

  it('never exceed the owner: a demoted owner’s token loses what the owner lost', async () => {
    const alice = await f.auth.createUser({
      username: 'alice',
      password: GOOD_PASSWORD,
      grants: [{ role: 'admin' }],
    });
    const { token } = f.auth.createToken(alice.id, { name: 'ops', role: 'admin', expiresInDays: 7 });
    f.auth.setGrants(alice.id, [{ role: 'viewer' }]);
    const principal = f.auth.tokenPrincipal(token);
    if (principal === undefined) throw new Error('token not accepted');
    expect(can(principal, 'viewer', 'web')).toBe(true);
    expect(can(principal, 'operator', 'web')).toBe(false);
  });

  it('expire', () => {
    const { token } = f.auth.createToken(rootId, { name: 'short', role: 'viewer', expiresInDays: 1 });
    f.clock.advance(DAY - 1);
    expect(f.auth.tokenPrincipal(token)).toBeDefined();
    f.clock.advance(1);
    expect(f.auth.tokenPrincipal(token)).toBeUndefined();
  });

  it('stop working when revoked, and stay listed as revoked', () => {
    const { id, token } = f.auth.createToken(rootId, { name: 'leaked', role: 'viewer', expiresInDays: 30 });
    const other = f.auth.createToken(rootId, { name: 'kept', role: 'viewer', expiresInDays: 30 });
    f.clock.advance(1000);
    f.auth.revokeToken(id);
    expect(f.auth.tokenPrincipal(token)).toBeUndefined();
    expect(f.auth.tokenPrincipal(other.token)).toBeDefined();
    expect(f.auth.getToken(id)?.revokedAt).toBe('2025-01-01T00:00:01.000Z');
    f.clock.advance(1000);
    f.auth.revokeToken(id);
    expect(f.auth.getToken(id)?.revokedAt).toBe('2025-01-01T00:00:01.000Z');
    expect(thrownCode(() => f.auth.revokeToken('tok_missing'))).toBe('AUTH_NOT_FOUND');
  });

  it('record when they were last used, to the minute', () => {
    const { id, token } = f.auth.createToken(rootId, { name: 'ci', role: 'viewer', expiresInDays: 30 });
    expect(f.auth.getToken(id)?.lastUsedAt).toBeUndefined();
    f.clock.advance(5000);
    f.auth.tokenPrincipal(token);
    expect(f.auth.getToken(id)?.lastUsedAt).toBe('2025-01-01T00:00:05.000Z');
    f.clock.advance(59_999);
    f.auth.tokenPrincipal(token);
    expect(f.auth.getToken(id)?.lastUsedAt).toBe('2025-01-01T00:00:05.000Z');
    f.clock.advance(1);
    f.auth.tokenPrincipal(token);
    expect(f.auth.getToken(id)?.lastUsedAt).toBe('2025-01-01T00:01:05.000Z');
  });

  it('reject what is not a live token', () => {
    const { token } = f.auth.createToken(rootId, { name: 'ci', role: 'viewer', expiresInDays: 30 });
    expect(f.auth.tokenPrincipal(token.slice('berth_'.length))).toBeUndefined();
    expect(f.auth.tokenPrincipal(`berth_${'A'.repeat(43)}`)).toBeUndefined();
    expect(f.auth.tokenPrincipal(`${token}x`)).toBeUndefined();
    expect(f.auth.tokenPrincipal('')).toBeUndefined();
  });

  it.each([
    ['no lifetime', { name: 'x', role: 'viewer', expiresInDays: 0 }],
    ['over a year', { name: 'x', role: 'viewer', expiresInDays: 366 }],
    ['a fractional lifetime', { name: 'x', role: 'viewer', expiresInDays: 1.5 }],
    ['an infinite lifetime', { name: 'x', role: 'viewer', expiresInDays: Number.POSITIVE_INFINITY }],
    ['an empty name', { name: '  ', role: 'viewer', expiresInDays: 1 }],
    ['a control character', { name: 'a\nb', role: 'viewer', expiresInDays: 1 }],
    ['an empty stack list', { name: 'x', role: 'viewer', stacks: [], expiresInDays: 1 }],
    ['a bad stack name', { name: 'x', role: 'viewer', stacks: ['Web'], expiresInDays: 1 }],
    ['an unknown role', { name: 'x', role: 'owner', expiresInDays: 1 }],
  ])('refuse %s', (_label, input) => {
    // @ts-expect-error: some inputs deliberately carry a role that is not a Role
    expect(thrownCode(() => f.auth.createToken(rootId, input))).toBe('AUTH_INVALID_INPUT');
    expect(f.auth.listTokens(rootId)).toEqual([]);
  });

  it('accept a year, and need an existing owner', () => {
    const { expiresAt } = f.auth.createToken(rootId, { name: 'x', role: 'viewer', expiresInDays: 365 });
    expect(expiresAt).toBe('2026-01-01T00:00:00.000Z');
    expect(
      thrownCode(() => f.auth.createToken('usr_missing', { name: 'x', role: 'viewer', expiresInDays: 1 })),
    ).toBe('AUTH_NOT_FOUND');
  });
});

describe('prune', () => {
  it('removes what can no longer be used, and keeps ended tokens listed for 30 days', async () => {
    const { session } = await f.auth.login({ username: 'root', password: GOOD_PASSWORD, ip: '192.0.2.1' });
    await f.auth
      .login({ username: 'root', password: 'wrong-password-here', ip: '192.0.2.1' })
      .catch(() => {});
    const { id } = f.auth.createToken(rootId, { name: 'x', role: 'viewer', expiresInDays: 1 });
    const live = f.auth.createToken(rootId, { name: 'y', role: 'viewer', expiresInDays: 60 });
    expect(f.auth.prune()).toEqual({
      sessions: 0,
      setupTokens: 0,
      loginAttempts: 0,
      familiarLogins: 0,
      tokens: 0,
    });

    f.clock.advance(12 * 3_600_000);
    // The failure counted on the account, the address and their pair.
    expect(f.auth.prune()).toEqual({
      sessions: 1,
      setupTokens: 0,
      loginAttempts: 3,
      familiarLogins: 0,
      tokens: 0,
    });
    expect(f.auth.sessionPrincipal(session.id)).toBeUndefined();

    // The token expired at day 1: it goes 30 days later.
    f.clock.advance(31 * DAY - 12 * 3_600_000 - 1);
    // The setup and the login made root familiar from their addresses for 30 days.
    expect(f.auth.prune()).toMatchObject({ tokens: 0, familiarLogins: 2 });
    f.clock.advance(1);
    expect(f.auth.prune()).toEqual({
      sessions: 0,
      setupTokens: 0,
      loginAttempts: 0,
      familiarLogins: 0,
      tokens: 1,
    });
    expect(f.auth.getToken(id)).toBeUndefined();
    expect(f.auth.tokenPrincipal(live.token)).toBeDefined();
  });
});

describe('API tokens kept between requests', () => {
  const noOne = { kind: 'user' as const, userId: '-', name: '-', grants: [] };
  it('are read once, then answered without a query until something about auth changes', () => {
    const { token, id } = f.auth.createToken(rootId, { name: 'ci', role: 'viewer', expiresInDays: 7 });
    const first = f.auth.tokenPrincipal(token);
    expect(first).toMatchObject({ tokenId: id });
    // Behind the store's back on its own connection (nothing in Berth writes this way): still kept.
    f.db.prepare('UPDATE api_tokens SET role = ? WHERE id = ?').run('admin', id);
    expect(f.auth.tokenPrincipal(token)).toBe(first);
    // Any write through the store moves its version: the next request reads the token again.
    f.auth.createToken(rootId, { name: 'other', role: 'viewer', expiresInDays: 7 });
    expect(f.auth.tokenPrincipal(token)?.tokenScope).toEqual({ role: 'admin' });
  });

  it('see a revocation by another process (another connection to the state file) on the next request', () => {
    const { token, id } = f.auth.createToken(rootId, { name: 'ci', role: 'viewer', expiresInDays: 7 });
    expect(f.auth.tokenPrincipal(token)).toBeDefined();
    expect(f.auth.tokenPrincipal(token)).toBeDefined();
    const other = new Database(f.path);
    try {
      other.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ?').run('2025-01-01T00:00:00.000Z', id);
    } finally {
      other.close();
    }
    expect(f.auth.tokenPrincipal(token)).toBeUndefined();
  });

  it('see a revocation, a grant change and a removed owner on the next request', async () => {
    const { id: userId } = await f.auth.createUser({
      username: 'dana',
      password: GOOD_PASSWORD,
      grants: [{ role: 'operator' }],
    });
    const { token } = f.auth.createToken(userId, { name: 'ci', role: 'operator', expiresInDays: 7 });
    expect(can(f.auth.tokenPrincipal(token) ?? noOne, 'operator', 'shop')).toBe(true);
    f.auth.setGrants(userId, [{ role: 'viewer' }]);
    expect(can(f.auth.tokenPrincipal(token) ?? noOne, 'operator', 'shop')).toBe(false);
    f.auth.deleteUser(userId);
    expect(f.auth.tokenPrincipal(token)).toBeUndefined();
  });

  it('still expire, and record their use at most once a minute', () => {
    const { token, id } = f.auth.createToken(rootId, { name: 'ci', role: 'viewer', expiresInDays: 1 });
    f.auth.tokenPrincipal(token);
    const used = f.auth.getToken(id)?.lastUsedAt;
    expect(used).toBe('2025-01-01T00:00:00.000Z');
    f.clock.advance(59_000);
    f.auth.tokenPrincipal(token);
    expect(f.auth.getToken(id)?.lastUsedAt).toBe(used);
    f.clock.advance(1_000);
    f.auth.tokenPrincipal(token);
    expect(f.auth.getToken(id)?.lastUsedAt).toBe('2025-01-01T00:01:00.000Z');
    f.clock.advance(DAY);
    expect(f.auth.tokenPrincipal(token)).toBeUndefined();
  });
});
