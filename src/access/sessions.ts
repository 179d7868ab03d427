import type { SessionRecord } from '../store/auth-sessions.js';
import { type AuthContext, iso, nowMs, TOUCH_GRANULARITY_MS, userPrincipal } from './context.js';
import type { Principal } from './rbac.js';
import { digestsEqual, randomSecret, sha256Hex } from './secrets.js';

/** What a login hands to the browser, in clear, once. */
export interface IssuedSession {
  /** The session id (for an HttpOnly cookie). */
  readonly id: string;
  /** The CSRF token the browser sends back on state-changing requests. */
  readonly csrf: string;
  /** The absolute end: the session never lives past this (a cookie's Expires). */
  readonly expiresAt: string;
  /** The end if unused; each use moves it (up to expiresAt). */
  readonly idleExpiresAt: string;
}

/** base64url of 32 bytes: anything else cannot be a session id or CSRF token, so no lookup is made. */
const SECRET_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Stores a new session for the user; call inside the login's transaction. */
export function createSession(ctx: AuthContext, userId: string, now: number): IssuedSession {
  const id = randomSecret(ctx.random);
  const csrf = randomSecret(ctx.random);
  const absolute = now + ctx.sessions.absoluteTimeoutMs;
  const idle = Math.min(now + ctx.sessions.idleTimeoutMs, absolute);
  ctx.store.sessions.insert({
    idHash: sha256Hex(id),
    userId,
    csrfHash: sha256Hex(csrf),
    createdAt: iso(now),
    idleExpiresAt: iso(idle),
    absoluteExpiresAt: iso(absolute),
  });
  return { id, csrf, expiresAt: iso(absolute), idleExpiresAt: iso(idle) };
}

/** The session if it exists and has not expired; an expired one is deleted on sight. */
function liveSession(ctx: AuthContext, sessionId: string, now: number): SessionRecord | undefined {
  if (!SECRET_SHAPE.test(sessionId)) return undefined;
  const record = ctx.store.sessions.get(sha256Hex(sessionId));
  if (record === undefined) return undefined;
  if (now >= Date.parse(record.idleExpiresAt) || now >= Date.parse(record.absoluteExpiresAt)) {
    ctx.store.sessions.remove(record.idHash);
    return undefined;
  }
  return record;
}

/** Who the session belongs to, with current grants; moves the idle expiry. Undefined when not live. */
export function sessionPrincipal(ctx: AuthContext, sessionId: string): Principal | undefined {
  const now = nowMs(ctx);
  const record = liveSession(ctx, sessionId, now);
  if (record === undefined) return undefined;
  const user = ctx.store.users.byId(record.userId);
  if (user === undefined) return undefined;
  const idle = Math.min(now + ctx.sessions.idleTimeoutMs, Date.parse(record.absoluteExpiresAt));
  if (idle - Date.parse(record.idleExpiresAt) >= TOUCH_GRANULARITY_MS) {
    ctx.store.sessions.touch(record.idHash, iso(idle));
  }
  return userPrincipal(ctx, user, sessionId);
}

/**
 * Who the session belongs to now, with current grants, without moving its idle expiry (an open
 * stream re-checks with this: watching does not keep a session alive). Undefined when not live.
 */
export function currentSessionPrincipal(ctx: AuthContext, sessionId: string): Principal | undefined {
  const record = liveSession(ctx, sessionId, nowMs(ctx));
  if (record === undefined) return undefined;
  const user = ctx.store.users.byId(record.userId);
  return user === undefined ? undefined : userPrincipal(ctx, user, sessionId);
}

/** Whether `csrfToken` is the live session's CSRF token (compared in constant time). */
export function checkCsrf(ctx: AuthContext, sessionId: string, csrfToken: string): boolean {
  const record = liveSession(ctx, sessionId, nowMs(ctx));
  if (record === undefined || !SECRET_SHAPE.test(csrfToken)) return false;
  return digestsEqual(record.csrfHash, sha256Hex(csrfToken));
}

/** Ends the session; ending one that does not exist is not an error. */
export function logout(ctx: AuthContext, sessionId: string): void {
  if (SECRET_SHAPE.test(sessionId)) ctx.store.sessions.remove(sha256Hex(sessionId));
}
