import type { AttemptScope } from '../store/auth-attempts.js';
import { type AuthContext, iso } from './context.js';
import { AuthError } from './errors.js';
import { sha256Hex } from './secrets.js';
import { type AttemptState, ipKey, type ThrottlePolicy } from './throttle.js';

/** One throttle counter: its row in login_attempts and the policy it follows. */
export interface ThrottleKey {
  readonly scope: AttemptScope;
  readonly key: string;
  readonly policy: ThrottlePolicy;
}

/** The keys of a login attempt. Usernames are hashed: people type their password into that field. */
export function loginKeys(
  ctx: AuthContext,
  username: string,
  ip: string,
): { account: ThrottleKey; ip: ThrottleKey; pair: ThrottleKey } {
  const address = ipKey(ip);
  return {
    account: { scope: 'account', key: sha256Hex(`account:${username}`), policy: ctx.throttle.account },
    ip: { scope: 'ip', key: address, policy: ctx.throttle.ip },
    pair: { scope: 'pair', key: familiarKey(username, ip), policy: ctx.throttle.pair },
  };
}

/** The key of a username and address in login_familiar (and of their pair counter). */
export function familiarKey(username: string, ip: string): string {
  return sha256Hex(`pair:${username.toLowerCase()}\n${ipKey(ip)}`);
}

export function readState(ctx: AuthContext, k: ThrottleKey): AttemptState | undefined {
  const r = ctx.store.loginAttempts.get(k.scope, k.key);
  if (r === undefined) return undefined;
  const base = { failures: r.failures, lastFailureAt: Date.parse(r.lastFailureAt) };
  return r.lockedUntil === undefined ? base : { ...base, lockedUntil: Date.parse(r.lockedUntil) };
}

export function writeState(ctx: AuthContext, k: ThrottleKey, s: AttemptState): void {
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

export function throttled(waitMs: number, what = 'failed logins'): AuthError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new AuthError(
    'AUTH_THROTTLED',
    `too many ${what}: try again later`,
    `wait ${seconds} seconds before the next attempt; each further failure doubles the wait`,
    { retryAfterSeconds: seconds },
  );
}
