import type { AuthContext, User } from './context.js';
import { iso, nowMs } from './context.js';
import { AuthError } from './errors.js';
import { digestsEqual, randomSecret, sha256Hex } from './secrets.js';
import { insertUser } from './users.js';

export interface SetupInput {
  readonly username: string;
  readonly password: string;
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
 * Creates the first admin (admin on every stack) and uses the token up. The token is checked first, so a
 * wrong, expired or used token always gets AUTH_SETUP_TOKEN_INVALID; a valid one once users exist gets
 * AUTH_SETUP_DONE. A weak password or bad username leaves the token usable for another try.
 */
export async function completeSetup(ctx: AuthContext, token: string, input: SetupInput): Promise<User> {
  if (!tokenIsLive(ctx, token)) throw setupTokenInvalid();
  if (!setupNeeded(ctx)) throw setupDone();
  const tokenHash = sha256Hex(token);
  return insertUser(ctx, { ...input, grants: [{ role: 'admin' }] }, () => {
    // Inside the insert's transaction: of two requests racing with the same token, one consumes it.
    if (!ctx.store.setupTokens.consume(tokenHash, iso(nowMs(ctx)))) throw setupTokenInvalid();
    if (!setupNeeded(ctx)) throw setupDone();
  });
}
