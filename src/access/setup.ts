import { familiarKey, readState, type ThrottleKey, throttled, writeState } from './attempts.js';
import type { AuthContext, User } from './context.js';
import { iso, nowMs } from './context.js';
import { AuthError } from './errors.js';
import { digestsEqual, randomSecret, sha256Hex } from './secrets.js';
import { afterFailure, ipKey, lockRemainingMs } from './throttle.js';
import { insertUser } from './users.js';

export interface SetupInput {
  readonly username: string;
  readonly password: string;
  /** The client address: wrong tokens are throttled per address, and the admin is familiar from it. */
  readonly ip?: string;
}

function setupDone(): AuthError {
  return new AuthError(
    'AUTH_SETUP_DONE',
    'setup is already complete: users exist',
    'log in with an existing account; an admin can create more users',
  );
}

function setupTokenInvalid(): AuthError {
  return new AuthError(
    'AUTH_SETUP_TOKEN_INVALID',
    'the setup token is invalid, expired or already used',
    'use the setup token `berth serve` printed at its last start, before it expires; restart it for a new one',
  );
}

export function setupNeeded(ctx: AuthContext): boolean {
  return ctx.store.users.count() === 0;
}

/**
 * Issues the one-time token that creates the first admin, replacing any earlier one. The clear token is
 * returned here and nowhere else; only its sha256 is stored.
 */
export function issueSetupToken(ctx: AuthContext): string {
  const token = randomSecret(ctx.random);
  const now = nowMs(ctx);
  ctx.store.transaction(() => {
    if (!setupNeeded(ctx)) throw setupDone();
    ctx.store.setupTokens.put({
      tokenHash: sha256Hex(token),
      createdAt: iso(now),
      expiresAt: iso(now + ctx.setupTokenTtlMs),
    });
  });
  return token;
}

function tokenIsLive(ctx: AuthContext, token: string): boolean {
  const stored = ctx.store.setupTokens.get();
  return (
    stored !== undefined &&
    digestsEqual(stored.tokenHash, sha256Hex(token)) &&
    Date.parse(stored.expiresAt) > nowMs(ctx)
  );
}

/**
 * The answer to a wrong, expired or used token: counted per address, and AUTH_THROTTLED (without being
 * counted) while the address waits. Only wrong tokens are throttled, so a flood cannot keep out the one
 * who holds the right token.
 */
function refuseToken(ctx: AuthContext, ip: string): AuthError {
  const key: ThrottleKey = { scope: 'setup', key: ipKey(ip), policy: ctx.throttle.setup };
  return ctx.store.transaction(() => {
    const now = nowMs(ctx);
    const state = readState(ctx, key);
    const wait = lockRemainingMs(state, now);
    if (wait > 0) return throttled(wait, 'wrong setup tokens');
    writeState(ctx, key, afterFailure(state, now, key.policy));
    return setupTokenInvalid();
  });
}

/**
 * Creates the first admin (admin on every stack) and uses the token up. Once users exist every call gets
 * AUTH_SETUP_DONE, whatever it sends; before, a wrong, expired or used token gets AUTH_SETUP_TOKEN_INVALID
 * (AUTH_THROTTLED after repeated ones from one address). A weak password or bad username leaves the token
 * usable for another try. The admin's username and address become familiar (see ThrottleConfig).
 */
export async function completeSetup(ctx: AuthContext, token: string, input: SetupInput): Promise<User> {
  if (!setupNeeded(ctx)) throw setupDone();
  const ip = input.ip ?? 'unknown';
  if (!tokenIsLive(ctx, token)) throw refuseToken(ctx, ip);
  const tokenHash = sha256Hex(token);
  const user = { username: input.username, password: input.password };
  return insertUser(ctx, { ...user, grants: [{ role: 'admin' }] }, () => {
    // Inside the insert's transaction: of two requests racing with the same token, one consumes it.
    const now = iso(nowMs(ctx));
    if (!ctx.store.setupTokens.consume(tokenHash, now)) throw setupTokenInvalid();
    if (!setupNeeded(ctx)) throw setupDone();
    ctx.store.familiar.mark(familiarKey(input.username, ip), now);
  });
}
