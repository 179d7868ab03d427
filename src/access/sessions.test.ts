import { afterEach, describe, expect, it } from 'vitest';
import { type AuthFixture, authFixture, GOOD_PASSWORD, withAdmin } from '../../test/support/auth.js';
import { sha256Hex } from './secrets.js';

let f: AuthFixture;
afterEach(() => f.cleanup());

const HOUR = 3_600_000;

async function loggedIn(options: Parameters<typeof authFixture>[0] = {}) {
  f = authFixture(options);
  await withAdmin(f);
  return (await f.auth.login({ username: 'root', password: GOOD_PASSWORD, ip: '192.0.2.1' })).session;
}

describe('sessions', () => {
  it('resolve to the user while live', async () => {
    const session = await loggedIn();
    expect(f.auth.sessionPrincipal(session.id)).toMatchObject({
      kind: 'user',
      name: 'root',
      grants: [{ role: 'admin' }],
      sessionId: session.id,
    });
    expect(f.auth.sessionPrincipal('A'.repeat(43))).toBeUndefined();
    expect(f.auth.sessionPrincipal('')).toBeUndefined();
  });

  it('end after 12 idle hours', async () => {
    const session = await loggedIn();
    f.clock.advance(12 * HOUR - 1);
    expect(f.auth.sessionPrincipal(session.id)).toBeDefined();
    // That use moved the idle expiry: another 12 hours from now.
    f.clock.advance(12 * HOUR - 1);
    expect(f.auth.sessionPrincipal(session.id)).toBeDefined();
    f.clock.advance(12 * HOUR);
    expect(f.auth.sessionPrincipal(session.id)).toBeUndefined();
    // Removed on sight, not just hidden.
    expect(f.store.sessions.get(sha256Hex(session.id))).toBeUndefined();
  });

  it('end 7 days after login however much they are used', async () => {
    const session = await loggedIn();
    for (let elapsed = 0; elapsed < 7 * 24 * HOUR - 6 * HOUR; elapsed += 6 * HOUR) {
      f.clock.advance(6 * HOUR);
      expect(f.auth.sessionPrincipal(session.id)).toBeDefined();
    }
    f.clock.advance(6 * HOUR - 1);
    expect(f.auth.sessionPrincipal(session.id)).toBeDefined();
    // The idle expiry never passes the absolute one.
    expect(f.store.sessions.get(sha256Hex(session.id))?.idleExpiresAt).toBe(session.expiresAt);
    f.clock.advance(1);
    expect(f.auth.sessionPrincipal(session.id)).toBeUndefined();
  });

  it('write the idle expiry only when it moves by a minute or more', async () => {
    const session = await loggedIn();
    const idleOf = () => f.store.sessions.get(sha256Hex(session.id))?.idleExpiresAt;
    f.clock.advance(59_999);
    f.auth.sessionPrincipal(session.id);
    expect(idleOf()).toBe(session.idleExpiresAt);
    f.clock.advance(1);
    f.auth.sessionPrincipal(session.id);
    expect(idleOf()).toBe('2025-01-01T12:01:00.000Z');
  });

  it('take their timeouts from the options', async () => {
    const session = await loggedIn({ sessions: { idleTimeoutMs: HOUR, absoluteTimeoutMs: 2 * HOUR } });
    expect(session.idleExpiresAt).toBe('2025-01-01T01:00:00.000Z');
    expect(session.expiresAt).toBe('2025-01-01T02:00:00.000Z');
    f.clock.advance(HOUR);
    expect(f.auth.sessionPrincipal(session.id)).toBeUndefined();
  });

  it('end at logout', async () => {
    const session = await loggedIn();
    f.auth.logout(session.id);
    expect(f.auth.sessionPrincipal(session.id)).toBeUndefined();
    expect(f.auth.checkCsrf(session.id, session.csrf)).toBe(false);
    f.auth.logout(session.id);
    f.auth.logout('not a session');
  });

  it('are stored hashed: neither the session id nor the CSRF token is in the file', async () => {
    const session = await loggedIn();
    const bytes = f.fileBytes();
    expect(bytes.includes(sha256Hex(session.id))).toBe(true);
    expect(bytes.includes(sha256Hex(session.csrf))).toBe(true);
    expect(bytes.includes(session.id)).toBe(false);
    expect(bytes.includes(session.csrf)).toBe(false);
  });
});

describe('checkCsrf', () => {
  it('accepts the session’s own token only', async () => {
    const session = await loggedIn();
    const other = (await f.auth.login({ username: 'root', password: GOOD_PASSWORD, ip: '192.0.2.1' }))
      .session;
    expect(f.auth.checkCsrf(session.id, session.csrf)).toBe(true);
    expect(f.auth.checkCsrf(session.id, other.csrf)).toBe(false);
    expect(f.auth.checkCsrf(other.id, session.csrf)).toBe(false);
    expect(f.auth.checkCsrf(session.id, '')).toBe(false);
    expect(f.auth.checkCsrf(session.id, session.id)).toBe(false);
    expect(f.auth.checkCsrf('unknown', session.csrf)).toBe(false);
  });

  it('refuses once the session expired', async () => {
    const session = await loggedIn();
    f.clock.advance(12 * HOUR);
    expect(f.auth.checkCsrf(session.id, session.csrf)).toBe(false);
  });
});
