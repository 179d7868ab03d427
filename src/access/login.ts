import type { AttemptScope } from '../store/auth-attempts.js';
import { type AuthContext, iso, nowMs, userPrincipal } from './context.js';
import { AuthError, invalidCredentials } from './errors.js';
import { normalizePassword } from './policy.js';
import type { Principal } from './rbac.js';
import { sha256Hex } from './secrets.js';
import { createSession, type IssuedSession } from './sessions.js';
import {
  type AttemptState,
  afterFailure,
  ipKey,
  lockRemainingMs,
  type ThrottlePolicy,
  withoutFailure,
} from './throttle.js';

export interface LoginInput {
  readonly username: string;
  readonly password: string;
  /** The client address as the server saw it (behind a proxy: the address the proxy vouches for). */
  readonly ip: string;
}

export interface LoginResult {
  readonly session: IssuedSession;
  readonly principal: Principal;
}

interface ThrottleKey {
  readonly scope: AttemptScope;
  readonly key: string;
  readonly policy: ThrottlePolicy;
}

function readState(ctx: AuthContext, k: ThrottleKey): AttemptState | undefined {
  const r = ctx.store.loginAttempts.get(k.scope, k.key);
  if (r === undefined) return undefined;
  const base = { failures: r.failures, lastFailureAt: Date.parse(r.lastFailureAt) };
  return r.lockedUntil === undefined ? base : { ...base, lockedUntil: Date.parse(r.lockedUntil) };
}

function writeState(ctx: AuthContext, k: ThrottleKey, s: AttemptState): void {
  if (s.failures === 0 && s.lockedUntil === undefined) {
    ctx.store.loginAttempts.remove(k.scope, k.key);
    return;
  }
  const record = { failures: s.failures, lastFailureAt: iso(s.lastFailureAt) };
  ctx.store.loginAttempts.put(
    k.scope,
    k.key,
    s.lockedUntil === undefined ? record : { ...record, lockedUntil: iso(s.lockedUntil) },
  );
}

function throttled(waitMs: number): AuthError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new AuthError(
    'AUTH_THROTTLED',
    'too many failed logins: try again later',
    `wait ${seconds} seconds before the next attempt; each further failure doubles the wait`,
    { retryAfterSeconds: seconds },
  );
}

/**
 * Checks the throttles, then the password. The attempt is counted as a failure BEFORE the (slow,
 * asynchronous) password check and taken back on success: otherwise a burst of parallel guesses would all
 * pass the throttle before the first one was counted. An unknown username is verified against a dummy
 * hash, so it costs the same time and ends in the same error as a wrong password.
 */
export async function login(ctx: AuthContext, input: LoginInput): Promise<LoginResult> {
  const username = input.username.toLowerCase();
  const password = normalizePassword(input.password);
  const account: ThrottleKey = {
    scope: 'account',
    // Hashed: people type their password into the username field, and this table would keep it.
    key: sha256Hex(`account:${username}`),
    policy: ctx.throttle.account,
  };
  const ip: ThrottleKey = { scope: 'ip', key: ipKey(input.ip), policy: ctx.throttle.ip };

  const started = nowMs(ctx);
  const { ipCounted, user } = ctx.store.transaction(() => {
    const accountState = readState(ctx, account);
    const ipState = readState(ctx, ip);
    const wait = Math.max(lockRemainingMs(accountState, started), lockRemainingMs(ipState, started));
    if (wait > 0) throw throttled(wait);
    writeState(ctx, account, afterFailure(accountState, started, account.policy));
    const ipCounted = afterFailure(ipState, started, ip.policy);
    writeState(ctx, ip, ipCounted);
    return { ipCounted, user: ctx.store.users.byUsername(username) };
  });

  const hash = user?.passwordHash ?? (await ctx.dummyHash());
  const matches = await ctx.hasher.verify(hash, password);
  if (!matches || user === undefined) throw invalidCredentials();
  const rehashed = ctx.hasher.needsRehash(user.passwordHash) ? await ctx.hasher.hash(password) : undefined;

  return ctx.store.transaction(() => {
    // The user may have been deleted while the password was checked.
    const current = ctx.store.users.byId(user.id);
    if (current === undefined) throw invalidCredentials();
    ctx.store.loginAttempts.remove(account.scope, account.key);
    const ipState = readState(ctx, ip);
    if (ipState !== undefined) writeState(ctx, ip, withoutFailure(ipState, ipCounted));
    if (rehashed !== undefined && current.passwordHash === user.passwordHash) {
      ctx.store.users.setPasswordHash(user.id, rehashed, current.passwordChangedAt);
    }
    const session = createSession(ctx, user.id, nowMs(ctx));
    return { session, principal: userPrincipal(ctx, current, session.id) };
  });
}
