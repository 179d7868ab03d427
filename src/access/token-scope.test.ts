import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AuthFixture, authFixture, GOOD_PASSWORD, withAdmin } from '../../test/support/auth.js';
import { isAuthError } from './errors.js';
import type { Grant } from './rbac.js';
import { can } from './rbac.js';
import type { CreateTokenInput } from './tokens.js';

let f: AuthFixture;
beforeEach(async () => {
  f = authFixture();
  await withAdmin(f);
});
afterEach(() => f.cleanup());

async function user(grants: Grant[]): Promise<string> {
  return (await f.auth.createUser({ username: 'bob', password: GOOD_PASSWORD, grants })).id;
}

function refusal(userId: string, input: Omit<CreateTokenInput, 'name' | 'expiresInDays'>) {
  try {
    f.auth.createToken(userId, { name: 'ci', expiresInDays: 7, ...input });
  } catch (error) {
    if (isAuthError(error)) return { code: error.code, message: error.message, hint: error.hint };
    throw error;
  }
  return undefined;
}

describe('a token’s scope, when it is created', () => {
  it('cannot carry a role its owner does not hold', async () => {
    const bob = await user([{ role: 'operator' }]);
    expect(refusal(bob, { role: 'admin' })).toEqual({
      code: 'AUTH_TOKEN_BEYOND_GRANTS',
      message: 'user bob cannot create a token with role admin: they hold operator on every stack',
      hint: expect.stringContaining('ask for a role you hold'),
    });
    expect(f.auth.listTokens(bob)).toEqual([]);
  });

  it('cannot name a stack its owner holds no such role on', async () => {
    const bob = await user([{ role: 'viewer' }, { role: 'operator', stack: 'shop' }]);
    expect(refusal(bob, { role: 'operator', stacks: ['shop', 'other'] })).toEqual({
      code: 'AUTH_TOKEN_BEYOND_GRANTS',
      message:
        'user bob cannot create a token with role operator for stack other: they hold viewer on every stack, operator on shop',
      hint: expect.stringContaining('limit the token to stacks where you hold that role'),
    });
    expect(refusal(bob, { role: 'admin', stacks: ['shop'] })?.code).toBe('AUTH_TOKEN_BEYOND_GRANTS');
    expect(f.auth.listTokens(bob)).toEqual([]);
  });

  it('may be anything within the owner’s grants', async () => {
    const bob = await user([{ role: 'viewer' }, { role: 'operator', stack: 'shop' }]);
    expect(refusal(bob, { role: 'operator', stacks: ['shop'] })).toBeUndefined();
    expect(refusal(bob, { role: 'viewer', stacks: ['shop', 'other'] })).toBeUndefined();
    // Unscoped, as berth login makes it: the highest role held, on the stacks the owner may reach.
    const { token } = f.auth.createToken(bob, { name: 'cli', role: 'operator', expiresInDays: 7 });
    const principal = f.auth.tokenPrincipal(token);
    if (principal === undefined) throw new Error('token not accepted');
    expect(can(principal, 'operator', 'shop')).toBe(true);
    expect(can(principal, 'operator', 'other')).toBe(false);
  });

  it('is checked against the grants the owner holds now, not those of a token made earlier', async () => {
    const bob = await user([{ role: 'admin' }]);
    expect(refusal(bob, { role: 'admin' })).toBeUndefined();
    f.auth.setGrants(bob, [{ role: 'viewer' }]);
    expect(refusal(bob, { role: 'operator' })?.code).toBe('AUTH_TOKEN_BEYOND_GRANTS');
    f.auth.setGrants(bob, []);
    expect(refusal(bob, { role: 'viewer' })?.message).toBe(
      'user bob cannot create a token with role viewer: they hold no role',
    );
  });
});
