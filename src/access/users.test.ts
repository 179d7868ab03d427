import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AuthFixture,
  authFixture,
  GOOD_PASSWORD,
  OTHER_PASSWORD,
  rejectionCode,
  thrownCode,
  withAdmin,
} from '../../test/support/auth.js';
import type { Grant } from './rbac.js';

let f: AuthFixture;
beforeEach(() => {
  f = authFixture();
});
afterEach(() => f.cleanup());

const login = (username: string, password = GOOD_PASSWORD) =>
  f.auth.login({ username, password, ip: '10.0.0.1' });

describe('createUser', () => {
  it('creates a user with merged grants and stores an argon2id hash, not the password', async () => {
    const user = await f.auth.createUser({
      username: 'alice',
      password: GOOD_PASSWORD,
      grants: [{ role: 'viewer', stack: 'web' }, { role: 'operator', stack: 'web' }, { role: 'viewer' }],
    });
    expect(user.grants).toEqual([{ role: 'viewer' }, { role: 'operator', stack: 'web' }]);
    expect(f.auth.getUser(user.id)).toEqual(user);
    expect(JSON.stringify(f.auth.listUsers())).not.toContain('argon2');
    const stored = f.store.users.byId(user.id);
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
    expect(f.fileBytes().includes(GOOD_PASSWORD)).toBe(false);
  });

  it.each([
    ['too short', 'elevenchars'],
    ['the username', 'alice.wonderland'],
    ['the username in capitals', 'ALICE.WONDERLAND'],
    ['common', 'password1234'],
    ['common, any case', 'Password1234'],
    ['a repeat', 'abababababababab'],
    ['a keyboard run', 'abcdefghijklm'],
    ['a descending run', '9876543210/.'],
  ])('refuses a weak password: %s', async (_label, password) => {
    const code = await rejectionCode(
      f.auth.createUser({ username: 'alice.wonderland', password, grants: [] }),
    );
    expect(code).toBe('AUTH_WEAK_PASSWORD');
  });

  it('explains a weak password in the hint', async () => {
    const error = await f.auth
      .createUser({ username: 'alice', password: 'short', grants: [] })
      .catch((e) => e);
    expect(error).toMatchObject({
      code: 'AUTH_WEAK_PASSWORD',
      hint: expect.stringContaining('12 characters'),
    });
  });

  it('counts characters, not bytes, and accepts a long passphrase', async () => {
    expect(
      await rejectionCode(f.auth.createUser({ username: 'a1', password: 'ééééééabcdé', grants: [] })),
    ).toBe('AUTH_WEAK_PASSWORD');
    await f.auth.createUser({ username: 'a2', password: 'ünïcödé pässphrasé', grants: [] });
  });

  it.each(['A', 'a', 'Alice', '-alice', 'alice smith', 'a'.repeat(65), 'alice@example.com'])(
    'refuses the username %j',
    async (username) => {
      expect(await rejectionCode(f.auth.createUser({ username, password: GOOD_PASSWORD, grants: [] }))).toBe(
        'AUTH_INVALID_USERNAME',
      );
    },
  );

  it('accepts usernames with dots, dashes and underscores up to 64 characters', async () => {
    await f.auth.createUser({ username: 'a.b-c_d', password: GOOD_PASSWORD, grants: [] });
    await f.auth.createUser({ username: 'a'.repeat(64), password: GOOD_PASSWORD, grants: [] });
    expect(f.auth.listUsers()).toHaveLength(2);
  });

  it('refuses a taken username, also when two requests race for it', async () => {
    await f.auth.createUser({ username: 'alice', password: GOOD_PASSWORD, grants: [] });
    expect(
      await rejectionCode(f.auth.createUser({ username: 'alice', password: OTHER_PASSWORD, grants: [] })),
    ).toBe('AUTH_USER_EXISTS');
    const racing = await Promise.all([
      rejectionCode(f.auth.createUser({ username: 'bob', password: GOOD_PASSWORD, grants: [] })),
      rejectionCode(f.auth.createUser({ username: 'bob', password: OTHER_PASSWORD, grants: [] })),
    ]);
    expect(racing.sort()).toEqual(['AUTH_USER_EXISTS', 'resolved']);
  });

  it('refuses malformed grants', async () => {
    // Shapes the type system forbids, as an unvalidated request body could carry them.
    const bad = [[{ role: 'root' }], [{ role: 'viewer', stack: 'Web App' }], [{ role: 'viewer', stack: '' }]];
    for (const grants of bad as unknown as Grant[][]) {
      const code = await rejectionCode(
        f.auth.createUser({ username: 'x1', password: GOOD_PASSWORD, grants }),
      );
      expect(code).toBe('AUTH_INVALID_INPUT');
    }
    expect(f.auth.listUsers()).toEqual([]);
  });
});

describe('grants and deletion', () => {
  it('replaces grants, and the change applies to live sessions at once', async () => {
    await withAdmin(f);
    const alice = await f.auth.createUser({
      username: 'alice',
      password: GOOD_PASSWORD,
      grants: [{ role: 'viewer' }],
    });
    const { session } = await login('alice');
    const updated = f.auth.setGrants(alice.id, [{ role: 'operator', stack: 'db' }]);
    expect(updated.grants).toEqual([{ role: 'operator', stack: 'db' }]);
    expect(f.auth.sessionPrincipal(session.id)?.grants).toEqual([{ role: 'operator', stack: 'db' }]);
    expect(thrownCode(() => f.auth.setGrants('usr_missing', []))).toBe('AUTH_NOT_FOUND');
  });

  it('keeps at least one admin on every stack', async () => {
    const rootId = await withAdmin(f);
    expect(thrownCode(() => f.auth.setGrants(rootId, [{ role: 'operator' }]))).toBe('AUTH_LAST_ADMIN');
    expect(thrownCode(() => f.auth.setGrants(rootId, [{ role: 'admin', stack: 'web' }]))).toBe(
      'AUTH_LAST_ADMIN',
    );
    expect(thrownCode(() => f.auth.deleteUser(rootId))).toBe('AUTH_LAST_ADMIN');
    expect(f.auth.getUser(rootId)?.grants).toEqual([{ role: 'admin' }]);

    const second = await f.auth.createUser({
      username: 'alice',
      password: GOOD_PASSWORD,
      grants: [{ role: 'admin' }],
    });
    f.auth.setGrants(rootId, [{ role: 'viewer' }]);
    expect(thrownCode(() => f.auth.deleteUser(second.id))).toBe('AUTH_LAST_ADMIN');
    f.auth.deleteUser(rootId);
    expect(f.auth.listUsers().map((u) => u.username)).toEqual(['alice']);
  });

  it('deletes a user with their sessions and tokens', async () => {
    await withAdmin(f);
    const alice = await f.auth.createUser({
      username: 'alice',
      password: GOOD_PASSWORD,
      grants: [{ role: 'viewer' }],
    });
    const { session } = await login('alice');
    const { token } = f.auth.createToken(alice.id, { name: 'ci', role: 'viewer', expiresInDays: 30 });
    f.auth.deleteUser(alice.id);
    expect(f.auth.sessionPrincipal(session.id)).toBeUndefined();
    expect(f.auth.tokenPrincipal(token)).toBeUndefined();
    expect(f.auth.listTokens(alice.id)).toEqual([]);
    expect(thrownCode(() => f.auth.deleteUser(alice.id))).toBe('AUTH_NOT_FOUND');
  });
});

describe('setPassword', () => {
  it('changes the password and ends the user’s sessions', async () => {
    const rootId = await withAdmin(f);
    const { session } = await login('root');
    await f.auth.setPassword(rootId, OTHER_PASSWORD);
    expect(f.auth.sessionPrincipal(session.id)).toBeUndefined();
    expect(await rejectionCode(login('root'))).toBe('AUTH_INVALID_CREDENTIALS');
    await login('root', OTHER_PASSWORD);
  });

  it('applies the policy and refuses unknown users', async () => {
    const rootId = await withAdmin(f);
    expect(await rejectionCode(f.auth.setPassword(rootId, 'root'))).toBe('AUTH_WEAK_PASSWORD');
    expect(await rejectionCode(f.auth.setPassword('usr_missing', OTHER_PASSWORD))).toBe('AUTH_NOT_FOUND');
  });
});
