import { type AuthContext, iso, nowMs } from './context.js';

/** How long expired or revoked tokens stay listed before prune removes them. */
export const ENDED_TOKEN_RETENTION_MS = 30 * 86_400_000;

export interface PruneResult {
  readonly sessions: number;
  readonly setupTokens: number;
  readonly loginAttempts: number;
  readonly familiarLogins: number;
  readonly tokens: number;
}

/** Deletes what can no longer matter, to keep the tables small. Safe to call at any time. */
export function prune(ctx: AuthContext): PruneResult {
  const now = nowMs(ctx);
  const { account, ip, pair, setup } = ctx.throttle;
  const window = Math.max(account.windowMs, ip.windowMs, pair.windowMs, setup.windowMs);
  return ctx.store.transaction(() => ({
    sessions: ctx.store.sessions.removeExpired(iso(now)),
    setupTokens: ctx.store.setupTokens.removeExpired(iso(now)),
    loginAttempts: ctx.store.loginAttempts.removeQuietSince(iso(now - window)),
    familiarLogins: ctx.store.familiar.removeBefore(iso(now - ctx.throttle.familiarMs)),
    tokens: ctx.store.tokens.removeEndedBefore(iso(now - ENDED_TOKEN_RETENTION_MS)),
  }));
}
