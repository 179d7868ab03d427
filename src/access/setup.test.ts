import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type AuthFixture,
  authFixture,
  GOOD_PASSWORD,
  rejectionCode,
  thrownCode,
} from '../../test/support/auth.js';
import { sha256Hex } from './secrets.js';

let f: AuthFixture;
beforeEach(() => {
  f = authFixture();
});
afterEach(() => f.cleanup());

const HOUR = 3_600_000;

describe('setup', () => {
  it('is needed until the first user exists, and creates that user as admin on every stack', async () => {
    expect(f.auth.setupNeeded()).toBe(true);
    const token = f.auth.issueSetupToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const admin = await f.auth.completeSetup(token, { username: 'root', password: GOOD_PASSWORD });
    expect(admin.username).toBe('root');
    expect(admin.grants).toEqual([{ role: 'admin' }]);
    expect(f.auth.setupNeeded()).toBe(false);
    expect(f.auth.listUsers().map((u) => u.username)).toEqual(['root']);
  });

  it('accepts the token once: afterwards every call is AUTH_SETUP_DONE, whatever it sends', async () => {
    const token = f.auth.issueSetupToken();
    await f.auth.completeSetup(token, { username: 'root', password: GOOD_PASSWORD });
    expect(
      await rejectionCode(f.auth.completeSetup(token, { username: 'eve', password: GOOD_PASSWORD })),
    ).toBe('AUTH_SETUP_DONE');
    expect(await rejectionCode(f.auth.completeSetup('wrong', { username: 'eve', password: 'x' }))).toBe(
      'AUTH_SETUP_DONE',
    );
    expect(f.auth.listUsers()).toHaveLength(1);
  });

  it('throttles wrong tokens per address, 1 s doubling to 5 minutes, but never the right token', async () => {
    const token = f.auth.issueSetupToken();
    const input = { username: 'root', password: GOOD_PASSWORD, ip: '192.0.2.1' };
    for (let i = 0; i < 5; i++)
      expect(await rejectionCode(f.auth.completeSetup(`wrong-${i}`, input))).toBe('AUTH_SETUP_TOKEN_INVALID');
    const error = await f.auth.completeSetup('wrong', input).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AUTH_THROTTLED', retryAfterSeconds: 1 });
    // Another address is not affected, and the right token goes through at once.
    expect(await rejectionCode(f.auth.completeSetup('wrong', { ...input, ip: '192.0.2.2' }))).toBe(
      'AUTH_SETUP_TOKEN_INVALID',
    );
    await f.auth.completeSetup(token, input);
    expect(f.auth.setupNeeded()).toBe(false);
  });

  it('refuses a wrong token and an expired one', async () => {
    const token = f.auth.issueSetupToken();
    const input = { username: 'root', password: GOOD_PASSWORD };
    const wrong = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    expect(await rejectionCode(f.auth.completeSetup(wrong, input))).toBe('AUTH_SETUP_TOKEN_INVALID');
    expect(await rejectionCode(f.auth.completeSetup('', input))).toBe('AUTH_SETUP_TOKEN_INVALID');
    f.clock.advance(24 * HOUR);
    expect(await rejectionCode(f.auth.completeSetup(token, input))).toBe('AUTH_SETUP_TOKEN_INVALID');
    expect(f.auth.setupNeeded()).toBe(true);
  });

  it('is still valid just before 24 hours', async () => {
    const token = f.auth.issueSetupToken();
    f.clock.advance(24 * HOUR - 1);
    await f.auth.completeSetup(token, { username: 'root', password: GOOD_PASSWORD });
    expect(f.auth.setupNeeded()).toBe(false);
  });

  it('keeps one token at a time: a new one replaces the old', async () => {
    const first = f.auth.issueSetupToken();
    const second = f.auth.issueSetupToken();
    const input = { username: 'root', password: GOOD_PASSWORD };
    expect(await rejectionCode(f.auth.completeSetup(first, input))).toBe('AUTH_SETUP_TOKEN_INVALID');
    await f.auth.completeSetup(second, input);
  });

  it('leaves the token usable after a weak password or a bad username', async () => {
    const token = f.auth.issueSetupToken();
    expect(await rejectionCode(f.auth.completeSetup(token, { username: 'root', password: 'short' }))).toBe(
      'AUTH_WEAK_PASSWORD',
    );
    expect(
      await rejectionCode(f.auth.completeSetup(token, { username: 'Root!', password: GOOD_PASSWORD })),
    ).toBe('AUTH_INVALID_USERNAME');
    await f.auth.completeSetup(token, { username: 'root', password: GOOD_PASSWORD });
  });

  it('is refused once users exist: no new token, and a live token cannot add a second admin', async () => {
    const token = f.auth.issueSetupToken();
    await f.auth.createUser({ username: 'alice', password: GOOD_PASSWORD, grants: [{ role: 'admin' }] });
    expect(
      await rejectionCode(f.auth.completeSetup(token, { username: 'eve', password: GOOD_PASSWORD })),
    ).toBe('AUTH_SETUP_DONE');
    expect(thrownCode(() => f.auth.issueSetupToken())).toBe('AUTH_SETUP_DONE');
    expect(f.auth.listUsers().map((u) => u.username)).toEqual(['alice']);
  });

  it('lets exactly one of two racing completions win', async () => {
    const token = f.auth.issueSetupToken();
    const results = await Promise.all([
      rejectionCode(f.auth.completeSetup(token, { username: 'first', password: GOOD_PASSWORD })),
      rejectionCode(f.auth.completeSetup(token, { username: 'second', password: GOOD_PASSWORD })),
    ]);
    expect(results.sort()).toEqual(['AUTH_SETUP_TOKEN_INVALID', 'resolved']);
    expect(f.auth.listUsers()).toHaveLength(1);
  });

  it('stores only the hash of the token: the clear token is not in the database file', () => {
    const token = f.auth.issueSetupToken();
    const bytes = f.fileBytes();
    // The hash being there proves these bytes hold the row; the token must not be.
    expect(bytes.includes(sha256Hex(token))).toBe(true);
    expect(bytes.includes(token)).toBe(false);
  });
});
