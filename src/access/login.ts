import { loginKeys, readState, type ThrottleKey, throttled, writeState } from './attempts.js';
import { type AuthContext, iso, nowMs, userPrincipal } from './context.js';
import { invalidCredentials } from './errors.js';
import { normalizePassword } from './policy.js';
import type { Principal } from './rbac.js';
import { createSession, type IssuedSession } from './sessions.js';
import { afterFailure, lockRemainingMs, withoutFailure } from './throttle.js';

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

/**
 * Checks the throttles, then the password. The attempt is counted as a failure BEFORE the (slow,
 * asynchronous) password check and taken back on success: otherwise a burst of parallel guesses would all
 * pass the throttle before the first one was counted. An unknown username is verified against a dummy
 * hash, so it costs the same time and ends in the same error as a wrong password.
 *
 * Every attempt counts on the account, the address and their pair, but a familiar pair (one that logged
 * in within `familiarMs`) waits only for its own pair's delay: strangers failing on the same account or
 * from the same address cannot lock out a client that has shown it knows the password.
 */
export async function login(ctx: AuthContext, input: LoginInput): Promise<LoginResult> {
  const username = input.username.toLowerCase();
  const password = normalizePassword(input.password);
  const keys = loginKeys(ctx, username, input.ip);
  const all: readonly ThrottleKey[] = [keys.pair, keys.account, keys.ip];

  const started = nowMs(ctx);
  const { counted, user } = ctx.store.transaction(() => {
    const familiar = ctx.store.familiar.seenSince(keys.pair.key, iso(started - ctx.throttle.familiarMs));
    const states = all.map((k) => readState(ctx, k));
    const applied = familiar ? states.slice(0, 1) : states;
    const wait = Math.max(...applied.map((s) => lockRemainingMs(s, started)));
    if (wait > 0) throw throttled(wait);
    const counted = all.map((k, i) => {
      const next = afterFailure(states[i], started, k.policy);
      writeState(ctx, k, next);
      return next;
    });
    return { counted, user: ctx.store.users.byUsername(username) };
  });

  const hash = user?.passwordHash ?? (await ctx.dummyHash());
  const matches = await ctx.hasher.verify(hash, password);
  if (!matches || user === undefined) throw invalidCredentials();
  const rehashed = ctx.hasher.needsRehash(user.passwordHash) ? await ctx.hasher.hash(password) : undefined;

  return ctx.store.transaction(() => {
    // The user may have been deleted while the password was checked.
    const current = ctx.store.users.byId(user.id);
    if (current === undefined) throw invalidCredentials();
    const now = nowMs(ctx);
    // The pair's failures are forgotten; on the shared keys a success takes back only its own count, so
    // the owner logging in does not hand strangers a fresh set of tries.
    ctx.store.loginAttempts.remove(keys.pair.scope, keys.pair.key);
    for (const [k, mine] of [
      [keys.account, counted[1]],
      [keys.ip, counted[2]],
    ] as const) {
      const state = readState(ctx, k);
      if (state !== undefined && mine !== undefined) writeState(ctx, k, withoutFailure(state, mine));
    }
    ctx.store.familiar.mark(keys.pair.key, iso(now));
    if (rehashed !== undefined && current.passwordHash === user.passwordHash) {
      ctx.store.users.setPasswordHash(user.id, rehashed, current.passwordChangedAt);
    }
    const session = createSession(ctx, user.id, now);
    return { session, principal: userPrincipal(ctx, current, session.id) };
  });
}
