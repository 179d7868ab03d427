import { afterEach, describe, expect, it } from 'vitest';
import {
  type AuthFixture,
  authFixture,
  cheapHasher,
  countingHasher,
  GOOD_PASSWORD,
  OTHER_PASSWORD,
  rejectionCode,
  withAdmin,
} from '../../test/support/auth.js';
import { createAuth } from './auth.js';
import { AuthError } from './errors.js';
import { type Argon2Params, argon2Hasher } from './passwords.js';

let f: AuthFixture;
afterEach(() => f.cleanup());

const MINUTE = 60_000;
const WRONG = 'not-the-password-at-all';

async function setUp(): Promise<ReturnType<typeof countingHasher>> {
  const hasher = countingHasher(cheapHasher());
  f = authFixture({ hasher });
  await withAdmin(f);
  return hasher;
}

const attempt = (username: string, password: string, ip = '192.0.2.1') =>
  f.auth.login({ username, password, ip });

async function failure(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof AuthError)) throw new Error(`expected an AuthError, got ${String(error)}`);
  return error;
}

describe('login', () => {
  it('returns a session and the principal with the user’s grants', async () => {
    await setUp();
    const { session, principal } = await attempt('root', GOOD_PASSWORD);
    expect(session.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session.csrf).not.toBe(session.id);
    expect(session.expiresAt).toBe('2025-01-08T00:00:00.000Z');
    expect(session.idleExpiresAt).toBe('2025-01-01T12:00:00.000Z');
    expect(principal).toMatchObject({
      kind: 'user',
      name: 'root',
      grants: [{ role: 'admin' }],
      sessionId: session.id,
    });
  });

  it('normalizes passwords (NFKC), so composed and decomposed accents match', async () => {
    await setUp();
    const composed = 'caf\u00e9-lantern-quartz';
    await f.auth.createUser({ username: 'alice', password: composed, grants: [] });
    await attempt('alice', composed.normalize('NFD'));
    expect(composed.normalize('NFD')).not.toBe(composed);
  });

  it('takes the username in any case', async () => {
    await setUp();
    await attempt('ROOT', GOOD_PASSWORD);
  });

  it('gives the same answer for an unknown user and a wrong password, after verifying a dummy hash', async () => {
    const hasher = await setUp();
    const wrongPassword = await failure(attempt('root', WRONG));
    const unknownUser = await failure(attempt('nobody', GOOD_PASSWORD));
    expect(wrongPassword.code).toBe('AUTH_INVALID_CREDENTIALS');
    expect({ ...unknownUser, message: unknownUser.message }).toEqual({
      ...wrongPassword,
      message: wrongPassword.message,
    });
    const rootHash = f.store.users.byUsername('root')?.passwordHash;
    expect(hasher.verified).toHaveLength(2);
    expect(hasher.verified[0]).toBe(rootHash);
    // The unknown user cost a real verification, with the same parameters, against a hash no user has.
    expect(hasher.verified[1]).not.toBe(rootHash);
    expect(hasher.verified[1]).toMatch(/^\$argon2id\$v=19\$m=1024,t=1,p=1\$/);
  });

  it('rehashes a password made with other parameters at the next successful login', async () => {
    await setUp();
    const oldHash = f.store.users.byUsername('root')?.passwordHash;
    const stronger = authFixtureSharing(f, { memoryCost: 2048, timeCost: 1, parallelism: 1 });
    await stronger.login({ username: 'root', password: GOOD_PASSWORD, ip: '192.0.2.1' });
    const newHash = f.store.users.byUsername('root')?.passwordHash;
    expect(oldHash).toMatch(/m=1024,/);
    expect(newHash).toMatch(/^\$argon2id\$v=19\$m=2048,t=1,p=1\$/);
    await stronger.login({ username: 'root', password: GOOD_PASSWORD, ip: '192.0.2.1' });
  });
});

/** A second Auth over the same store, as after a restart with other argon2 parameters. */
function authFixtureSharing(fixture: AuthFixture, params: Argon2Params) {
  return createAuth({ store: { auth: fixture.store }, clock: fixture.clock, hasher: argon2Hasher(params) });
}

describe('throttling per account', () => {
  it('locks after 5 failures for 1 minute, doubling per further failure up to 1 hour', async () => {
    const hasher = await setUp();
    for (let i = 0; i < 5; i++)
      expect((await failure(attempt('root', WRONG))).code).toBe('AUTH_INVALID_CREDENTIALS');
    const locked = await failure(attempt('root', GOOD_PASSWORD));
    expect(locked.code).toBe('AUTH_THROTTLED');
    expect(locked.retryAfterSeconds).toBe(60);
    // Checked before the password: the locked attempt cost no verification.
    expect(hasher.verified).toHaveLength(5);

    f.clock.advance(59_500);
    expect((await failure(attempt('root', GOOD_PASSWORD))).retryAfterSeconds).toBe(1);

    const waits: number[] = [];
    f.clock.advance(500);
    for (let i = 0; i < 8; i++) {
      expect((await failure(attempt('root', WRONG))).code).toBe('AUTH_INVALID_CREDENTIALS');
      const next = await failure(attempt('root', WRONG));
      expect(next.code).toBe('AUTH_THROTTLED');
      waits.push(next.retryAfterSeconds ?? -1);
      f.clock.advance((next.retryAfterSeconds ?? 0) * 1000);
    }
    expect(waits).toEqual([120, 240, 480, 960, 1920, 3600, 3600, 3600]);
  });

  it('resets the account counter on success', async () => {
    await setUp();
    for (let i = 0; i < 4; i++) await failure(attempt('root', WRONG));
    await attempt('root', GOOD_PASSWORD);
    for (let i = 0; i < 4; i++)
      expect((await failure(attempt('root', WRONG))).code).toBe('AUTH_INVALID_CREDENTIALS');
    expect((await failure(attempt('root', WRONG))).code).toBe('AUTH_INVALID_CREDENTIALS');
    expect((await failure(attempt('root', WRONG))).code).toBe('AUTH_THROTTLED');
  });

  it('forgets failures after 15 quiet minutes', async () => {
    await setUp();
    for (let i = 0; i < 4; i++) await failure(attempt('root', WRONG));
    f.clock.advance(15 * MINUTE);
    for (let i = 0; i < 4; i++)
      expect((await failure(attempt('root', WRONG))).code).toBe('AUTH_INVALID_CREDENTIALS');
    expect((await failure(attempt('root', WRONG))).code).toBe('AUTH_INVALID_CREDENTIALS');
    expect((await failure(attempt('root', WRONG))).code).toBe('AUTH_THROTTLED');
  });

  it('throttles unknown usernames the same way, and counts each account apart', async () => {
    await setUp();
    for (let i = 0; i < 5; i++) await failure(attempt('ghost', WRONG, `198.51.100.${i}`));
    expect((await failure(attempt('ghost', WRONG, '203.0.113.9'))).code).toBe('AUTH_THROTTLED');
    await attempt('root', GOOD_PASSWORD, '203.0.113.9');
  });

  it('counts parallel guesses before checking any of them', async () => {
    const hasher = await setUp();
    const codes = await Promise.all(
      Array.from({ length: 10 }, (_, i) => rejectionCode(attempt('root', `${WRONG}-${i}`))),
    );
    expect(codes.filter((c) => c === 'AUTH_INVALID_CREDENTIALS')).toHaveLength(5);
    expect(codes.filter((c) => c === 'AUTH_THROTTLED')).toHaveLength(5);
    expect(hasher.verified).toHaveLength(5);
  });

  it('stores the account key hashed, so a password typed as a username is not kept', async () => {
    await setUp();
    await failure(attempt(GOOD_PASSWORD.toUpperCase(), 'whatever'));
    expect(f.fileBytes().includes(GOOD_PASSWORD)).toBe(false);
  });
});

describe('a correct password under attack', () => {
  const LOCAL = '127.0.0.1';

  it('keeps working for a client that logged in before, whatever others fail on its address or account', async () => {
    await setUp();
    await attempt('root', GOOD_PASSWORD, LOCAL);
    // Every local client shares 127.0.0.1: a script (or an attacker) fails 40 times there, on other
    // usernames, and someone elsewhere guesses root's password 30 times.
    for (let i = 0; i < 40; i++) await failure(attempt(`user${i % 7}`, WRONG, LOCAL));
    for (let i = 0; i < 30; i++) await failure(attempt('root', `${WRONG}-${i}`, `198.51.100.${i}`));
    expect((await failure(attempt('user1', WRONG, LOCAL))).code).toBe('AUTH_THROTTLED');
    expect((await failure(attempt('root', GOOD_PASSWORD, '203.0.113.1'))).code).toBe('AUTH_THROTTLED');
    const { principal } = await attempt('root', GOOD_PASSWORD, LOCAL);
    expect(principal.name).toBe('root');
  });

  it('counts the address of the first-run setup as familiar to the admin', async () => {
    f = authFixture({ hasher: cheapHasher() });
    await f.auth.completeSetup(f.auth.issueSetupToken(), {
      username: 'root',
      password: GOOD_PASSWORD,
      ip: LOCAL,
    });
    for (let i = 0; i < 25; i++) await failure(attempt(`user${i}`, WRONG, LOCAL));
    await attempt('root', GOOD_PASSWORD, LOCAL);
  });

  it('only delays guesses on the familiar pair itself: 1 s doubling to 5 minutes, then the password works', async () => {
    await setUp();
    await attempt('root', GOOD_PASSWORD, LOCAL);
    for (let i = 0; i < 5; i++) await failure(attempt('root', WRONG, LOCAL));
    const waits: number[] = [];
    for (let i = 0; i < 11; i++) {
      const next = await failure(attempt('root', GOOD_PASSWORD, LOCAL));
      expect(next.code).toBe('AUTH_THROTTLED');
      waits.push(next.retryAfterSeconds ?? -1);
      f.clock.advance((next.retryAfterSeconds ?? 0) * 1000);
      if (i < 10)
        expect((await failure(attempt('root', WRONG, LOCAL))).code).toBe('AUTH_INVALID_CREDENTIALS');
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
    // Never a lock: once the wait is over the right password gets in, and the pair starts afresh.
    await attempt('root', GOOD_PASSWORD, LOCAL);
    for (let i = 0; i < 5; i++)
      expect((await failure(attempt('root', WRONG, LOCAL))).code).toBe('AUTH_INVALID_CREDENTIALS');
  });

  it('forgets a familiar pair after 30 days without a login', async () => {
    await setUp();
    await attempt('root', GOOD_PASSWORD, LOCAL);
    f.clock.advance(31 * 24 * 60 * MINUTE);
    for (let i = 0; i < 20; i++) await failure(attempt(`user${i}`, WRONG, LOCAL));
    expect((await failure(attempt('root', GOOD_PASSWORD, LOCAL))).code).toBe('AUTH_THROTTLED');
    // root from the setup's address (none here) and from 127.0.0.1.
    expect(f.auth.prune().familiarLogins).toBe(2);
  });
});

describe('throttling per address', () => {
  it('locks an address after 20 failures across accounts, with backoff', async () => {
    await setUp();
    for (let i = 0; i < 20; i++) await failure(attempt(`user${i}`, WRONG));
    const locked = await failure(attempt('root', GOOD_PASSWORD));
    expect(locked).toMatchObject({ code: 'AUTH_THROTTLED', retryAfterSeconds: 60 });
    // Another address is not affected.
    await attempt('root', GOOD_PASSWORD, '192.0.2.2');
    f.clock.advance(MINUTE);
    await failure(attempt('user99', WRONG));
    expect(await failure(attempt('root', GOOD_PASSWORD))).toMatchObject({ retryAfterSeconds: 120 });
  });

  it('does not let a success clear the address counter, only take back its own count', async () => {
    await setUp();
    await f.auth.createUser({ username: 'alice', password: OTHER_PASSWORD, grants: [] });
    for (let i = 0; i < 19; i++) await failure(attempt(`user${i}`, WRONG));
    await attempt('root', GOOD_PASSWORD);
    expect((await failure(attempt('user19', WRONG))).code).toBe('AUTH_INVALID_CREDENTIALS');
    // The address is locked for those it does not know: alice never logged in from here.
    expect((await failure(attempt('alice', OTHER_PASSWORD))).code).toBe('AUTH_THROTTLED');
  });

  it('counts IPv6 addresses per /64 and IPv4-mapped addresses as IPv4', async () => {
    await setUp();
    for (let i = 0; i < 20; i++) await failure(attempt(`user${i}`, WRONG, `2001:db8:1:2::${i.toString(16)}`));
    expect((await failure(attempt('root', GOOD_PASSWORD, '2001:db8:1:2:ffff::1'))).code).toBe(
      'AUTH_THROTTLED',
    );
    await attempt('root', GOOD_PASSWORD, '2001:db8:1:3::1');

    for (let i = 0; i < 20; i++) await failure(attempt(`other${i}`, WRONG, '203.0.113.7'));
    expect((await failure(attempt('root', GOOD_PASSWORD, '::ffff:203.0.113.7'))).code).toBe('AUTH_THROTTLED');
  });

  it('takes its policy from the options', async () => {
    f = authFixture({
      throttle: { ip: { threshold: 2, windowMs: MINUTE, baseLockMs: 10_000, maxLockMs: 20_000 } },
    });
    await withAdmin(f);
    await failure(attempt('a1', WRONG));
    await failure(attempt('a2', WRONG));
    expect(await failure(attempt('root', GOOD_PASSWORD))).toMatchObject({ retryAfterSeconds: 10 });
  });
});
