import type { ApiTokenRecord } from '../store/auth-tokens.js';
import { type AuthContext, iso, nowMs, TOUCH_GRANULARITY_MS, toGrants } from './context.js';
import { invalidInput, notFound } from './errors.js';
import type { Principal } from './rbac.js';
import { type Role, roleRank } from './roles.js';
import { randomId, randomSecret, sha256Hex } from './secrets.js';
import { checkScopeWithinGrants } from './token-scope.js';
import { checkRole, checkStackName } from './users.js';

export const TOKEN_PREFIX = 'berth_';
export const MAX_TOKEN_DAYS = 365;
const DAY = 86_400_000;
const TOKEN_SHAPE = /^berth_[A-Za-z0-9_-]{43}$/;
const MAX_NAME = 64;
const MAX_STACKS = 100;

export interface CreateTokenInput {
  /** A label for people: what the token is for. */
  readonly name: string;
  /** The most the token may do, whatever its owner may; never more than the owner holds when it is made. */
  readonly role: Role;
  /** Limits the token to these stacks; absent: every stack its owner may reach. */
  readonly stacks?: readonly string[];
  /** Whole days, 1 to 365: there are no tokens that never expire. */
  readonly expiresInDays: number;
}

export interface CreatedToken {
  readonly id: string;
  /** The token in clear: returned here once, never stored or shown again. */
  readonly token: string;
  readonly expiresAt: string;
}

/** A token as listings show it: never the token nor its hash. */
export interface TokenInfo {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly role: Role;
  readonly stacks?: readonly string[];
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly lastUsedAt?: string;
  readonly revokedAt?: string;
}

/** A principal authenticated by an API token; `tokenId` lets the audit log name the token. */
export type TokenPrincipal = Principal & {
  readonly kind: 'token';
  readonly tokenId: string;
  readonly tokenScope: NonNullable<Principal['tokenScope']>;
};

function checkTokenInput(input: CreateTokenInput): string[] | undefined {
  const name = input.name.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (name.length === 0 || name.length > MAX_NAME || /[\u0000-\u001f\u007f]/.test(name)) {
    throw invalidInput(
      'invalid token name',
      `name the token in 1 to ${MAX_NAME} printable characters, e.g. "ci deploy"`,
    );
  }
  checkRole(input.role, 'the token');
  if (
    !Number.isInteger(input.expiresInDays) ||
    input.expiresInDays < 1 ||
    input.expiresInDays > MAX_TOKEN_DAYS
  ) {
    throw invalidInput(
      `invalid token lifetime ${String(input.expiresInDays)}`,
      `give expiresInDays as a whole number from 1 to ${MAX_TOKEN_DAYS}; tokens always expire`,
    );
  }
  if (input.stacks === undefined) return undefined;
  if (input.stacks.length === 0 || input.stacks.length > MAX_STACKS) {
    throw invalidInput(
      'invalid token stack list',
      `list 1 to ${MAX_STACKS} stacks, or omit stacks to allow every stack the owner may reach`,
    );
  }
  for (const stack of input.stacks) checkStackName(stack, 'the token');
  return [...new Set(input.stacks)].sort();
}

function toInfo(r: ApiTokenRecord): TokenInfo {
  return {
    id: r.id,
    userId: r.userId,
    name: r.name,
    role: r.role,
    ...(r.stacks === undefined ? {} : { stacks: r.stacks }),
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    ...(r.lastUsedAt === undefined ? {} : { lastUsedAt: r.lastUsedAt }),
    ...(r.revokedAt === undefined ? {} : { revokedAt: r.revokedAt }),
  };
}

export function createToken(ctx: AuthContext, userId: string, input: CreateTokenInput): CreatedToken {
  const stacks = checkTokenInput(input);
  const token = `${TOKEN_PREFIX}${randomSecret(ctx.random)}`;
  const now = nowMs(ctx);
  const record: ApiTokenRecord = {
    id: randomId(ctx.random, 'tok'),
    userId,
    name: input.name.trim(),
    tokenHash: sha256Hex(token),
    role: input.role,
    createdAt: iso(now),
    expiresAt: iso(now + input.expiresInDays * DAY),
  };
  if (stacks !== undefined) record.stacks = stacks;
  ctx.store.transaction(() => {
    const owner = ctx.store.users.byId(userId);
    if (owner === undefined) throw notFound(`user ${userId}`);
    checkScopeWithinGrants(owner.username, toGrants(ctx.store.users.grants(userId)), input.role, stacks);
    ctx.store.tokens.insert(record);
  });
  return { id: record.id, token, expiresAt: record.expiresAt };
}

/** A principal a token authenticated, kept while nothing about users, grants or tokens changed. */
interface KeptToken {
  readonly principal: TokenPrincipal;
  /** `store.version()` when it was read. */
  readonly version: number;
  readonly expiresAtMs: number;
  lastUsedMs: number | undefined;
}

/** Valid tokens kept per auth store, by hash: a request then costs a hash and a map lookup, not three queries. */
const keptTokens = new WeakMap<object, Map<string, KeptToken>>();
/** More distinct live tokens than this in use: the map starts over (they are read again). */
const MAX_KEPT_TOKENS = 1_000;

/** The principal of a token record that is not revoked and whose owner exists, with the owner's grants now. */
function principalOf(ctx: AuthContext, record: ApiTokenRecord | undefined): TokenPrincipal | undefined {
  if (record === undefined || record.revokedAt !== undefined) return undefined;
  const owner = ctx.store.users.byId(record.userId);
  if (owner === undefined) return undefined;
  return Object.freeze({
    kind: 'token',
    userId: owner.id,
    name: owner.username,
    grants: Object.freeze(toGrants(ctx.store.users.grants(owner.id))),
    tokenScope: Object.freeze(
      record.stacks === undefined ? { role: record.role } : { role: record.role, stacks: record.stacks },
    ),
    tokenId: record.id,
  });
}

function readToken(ctx: AuthContext, hash: string, version: number): KeptToken | undefined {
  const record = ctx.store.tokens.byHash(hash);
  const principal = principalOf(ctx, record);
  if (record === undefined || principal === undefined) return undefined;
  return {
    principal,
    version,
    expiresAtMs: Date.parse(record.expiresAt),
    lastUsedMs: record.lastUsedAt === undefined ? undefined : Date.parse(record.lastUsedAt),
  };
}

/**
 * The principal a token authenticates, or undefined if it is unknown, revoked or expired. A valid
 * token's principal is kept (by the token's hash) until the auth store's version moves: any write to
 * users, grants or tokens, here or by another process, so a revocation or a grant change applies to
 * the very next request. Expiry is checked on every use; lastUsedAt is written at most once per
 * TOUCH_GRANULARITY_MS per token.
 */
export function tokenPrincipal(ctx: AuthContext, token: string): TokenPrincipal | undefined {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const hash = sha256Hex(token);
  const version = ctx.store.version();
  let kept = keptTokens.get(ctx.store);
  if (kept === undefined) {
    kept = new Map();
    keptTokens.set(ctx.store, kept);
  }
  let entry = kept.get(hash);
  if (entry === undefined || entry.version !== version) {
    entry = readToken(ctx, hash, version);
    if (entry === undefined) {
      kept.delete(hash);
      return undefined;
    }
    if (kept.size >= MAX_KEPT_TOKENS) kept.clear();
    kept.set(hash, entry);
  }
  const now = nowMs(ctx);
  if (now >= entry.expiresAtMs) {
    kept.delete(hash);
    return undefined;
  }
  if (entry.lastUsedMs === undefined || now - entry.lastUsedMs >= TOUCH_GRANULARITY_MS) {
    ctx.store.tokens.markUsed(entry.principal.tokenId, iso(now));
    entry.lastUsedMs = now;
  }
  return entry.principal;
}

/**
 * The principal of the token with this id as it stands now (its owner's current grants), or
 * undefined once it is revoked, expired or its owner deleted. Marks nothing used: an open stream
 * re-checks its token with this.
 */
export function currentTokenPrincipal(ctx: AuthContext, tokenId: string): TokenPrincipal | undefined {
  const record = ctx.store.tokens.byId(tokenId);
  if (record !== undefined && nowMs(ctx) >= Date.parse(record.expiresAt)) return undefined;
  return principalOf(ctx, record);
}

/**
 * Whether `principal` may see and revoke `token` (one of its owner's). A signed-in user may, for all their
 * tokens; a token only for itself and for tokens no broader than it: a role no higher, and stacks among
 * its own (an unscoped token reaches every stack, so only an unscoped caller may manage one).
 */
export function manages(principal: Principal, token: TokenInfo): boolean {
  if (token.userId !== principal.userId) return false;
  const scope = principal.tokenScope;
  if (scope === undefined || principal.tokenId === token.id) return true;
  if (roleRank(token.role) > roleRank(scope.role)) return false;
  if (scope.stacks === undefined) return true;
  const own = new Set(scope.stacks);
  return token.stacks?.every((stack) => own.has(stack)) === true;
}

export function listTokens(ctx: AuthContext, userId: string): TokenInfo[] {
  return ctx.store.tokens.listForUser(userId).map(toInfo);
}

export function getToken(ctx: AuthContext, id: string): TokenInfo | undefined {
  const record = ctx.store.tokens.byId(id);
  return record === undefined ? undefined : toInfo(record);
}

/** Revokes at once; revoking a revoked token is not an error. Kept (for listings) until pruned. */
export function revokeToken(ctx: AuthContext, id: string): void {
  if (!ctx.store.tokens.revoke(id, iso(nowMs(ctx)))) throw notFound(`token ${id}`);
}
