import { afterEach, describe, expect, it } from 'vitest';
import { type AuthFixture, authFixture, GOOD_PASSWORD, withAdmin } from '../../test/support/auth.js';

let f: AuthFixture;
afterEach(() => f.cleanup());

describe('currentPrincipal and onAccessChange', () => {
  it('re-reads a token by its id, with current grants, until it is revoked; each change is signalled after it is stored', async () => {
    f = authFixture();
    await withAdmin(f);
    const user = await f.auth.createUser({
      username: 'vera',
      password: GOOD_PASSWORD,
      grants: [{ role: 'viewer' }],
    });
    const created = f.auth.createToken(user.id, { name: 'cli', role: 'viewer', expiresInDays: 1 });
    const opened = f.auth.tokenPrincipal(created.token);
    if (opened === undefined) throw new Error('no principal');
    const seen: Array<string | undefined> = [];
    const stop = f.auth.onAccessChange(() => seen.push(f.auth.currentPrincipal(opened)?.grants[0]?.stack));
    f.auth.setGrants(user.id, [{ role: 'viewer', stack: 'beta' }]);
    expect(seen).toEqual(['beta']);
    f.auth.revokeToken(created.id);
    expect(seen).toEqual(['beta', undefined]);
    stop();
    f.auth.deleteUser(user.id);
    expect(seen).toHaveLength(2);
  });

  it('is undefined for an expired token and a logged-out session, and moves no expiry', async () => {
    f = authFixture();
    await withAdmin(f);
    const user = await f.auth.createUser({
      username: 'vera',
      password: GOOD_PASSWORD,
      grants: [{ role: 'viewer' }],
    });
    const created = f.auth.createToken(user.id, { name: 'cli', role: 'viewer', expiresInDays: 1 });
    const byToken = f.auth.tokenPrincipal(created.token);
    const login = await f.auth.login({ username: 'vera', password: GOOD_PASSWORD, ip: '127.0.0.1' });
    if (byToken === undefined) throw new Error('no principal');
    const bySession = f.auth.sessionPrincipal(login.session.id);
    if (bySession === undefined) throw new Error('no session');
    const used = f.auth.getToken(created.id)?.lastUsedAt;
    f.clock.advance(3_600_000);
    expect(f.auth.currentPrincipal(byToken)?.tokenId).toBe(created.id);
    expect(f.auth.getToken(created.id)?.lastUsedAt).toBe(used);
    expect(f.auth.currentPrincipal(bySession)?.sessionId).toBe(login.session.id);
    f.auth.logout(login.session.id);
    expect(f.auth.currentPrincipal(bySession)).toBeUndefined();
    f.clock.advance(86_400_000);
    expect(f.auth.currentPrincipal(byToken)).toBeUndefined();
  });
});
