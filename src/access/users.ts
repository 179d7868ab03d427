import { PROJECT_NAME_PATTERN } from '../compose/names.js';
import type { GrantRecord } from '../store/auth-users.js';
import { type AuthContext, iso, nowMs, toUser, type User } from './context.js';
import { AuthError, invalidInput, notFound } from './errors.js';
import { checkPassword, checkUsername, normalizePassword } from './policy.js';
import type { Grant } from './rbac.js';
import { ROLES, type Role, roleRank } from './roles.js';
import { randomId } from './secrets.js';

export interface CreateUserInput {
  readonly username: string;
  readonly password: string;
  readonly grants: readonly Grant[];
}

const MAX_STACK_NAME = 128;

/** A stack name as compose accepts it (the same rule as project names). */
export function checkStackName(stack: string, what: string): void {
  if (stack.length > MAX_STACK_NAME || !PROJECT_NAME_PATTERN.test(stack)) {
    throw invalidInput(
      `invalid stack name "${stack.slice(0, 80)}" in ${what}`,
      'stack names use lowercase letters, digits, "-" and "_", starting with a letter or digit',
    );
  }
}

export function checkRole(role: string, what: string): asserts role is Role {
  if (!(ROLES as readonly string[]).includes(role)) {
    throw invalidInput(`invalid role "${role.slice(0, 40)}" in ${what}`, `use one of: ${ROLES.join(', ')}`);
  }
}

/** Validates grants and keeps one per stack (the highest role), global first. */
export function normalizeGrants(grants: readonly Grant[]): GrantRecord[] {
  const byStack = new Map<string, Role>();
  for (const g of grants) {
    checkRole(g.role, 'grants');
    if (g.stack !== undefined) checkStackName(g.stack, 'grants');
    const key = g.stack ?? '';
    const held = byStack.get(key);
    if (held === undefined || roleRank(g.role) > roleRank(held)) byStack.set(key, g.role);
  }
  return [...byStack.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([stack, role]) => (stack === '' ? { role } : { role, stack }));
}

const isGlobalAdmin = (grants: readonly GrantRecord[]): boolean =>
  grants.some((g) => g.role === 'admin' && g.stack === undefined);

function lastAdmin(action: string): AuthError {
  return new AuthError(
    'AUTH_LAST_ADMIN',
    `cannot ${action}: this is the last user with the admin role on every stack`,
    'grant admin on every stack to another user first',
  );
}

export function userExists(username: string): AuthError {
  return new AuthError('AUTH_USER_EXISTS', `user ${username} already exists`, 'choose another username');
}

/**
 * Validates and hashes, then inserts. Shared by setup (which adds its own checks inside `extraChecks`,
 * run in the same transaction as the insert).
 */
export async function insertUser(
  ctx: AuthContext,
  input: CreateUserInput,
  extraChecks: () => void = () => {},
): Promise<User> {
  checkUsername(input.username);
  const password = normalizePassword(input.password);
  checkPassword(password, input.username);
  const grants = normalizeGrants(input.grants);
  if (ctx.store.users.byUsername(input.username) !== undefined) throw userExists(input.username);
  const passwordHash = await ctx.hasher.hash(password);
  const now = iso(nowMs(ctx));
  const record = {
    id: randomId(ctx.random, 'usr'),
    username: input.username,
    passwordHash,
    createdAt: now,
    passwordChangedAt: now,
  };
  ctx.store.transaction(() => {
    extraChecks();
    // Checked again: another request may have taken the name while the password was hashing.
    if (!ctx.store.users.insert(record, grants)) throw userExists(input.username);
  });
  return toUser(record, grants);
}

export function getUser(ctx: AuthContext, id: string): User | undefined {
  const record = ctx.store.users.byId(id);
  return record === undefined ? undefined : toUser(record, ctx.store.users.grants(id));
}

export function listUsers(ctx: AuthContext): User[] {
  return ctx.store.users.list().map((u) => toUser(u, ctx.store.users.grants(u.id)));
}

export function setGrants(ctx: AuthContext, userId: string, grants: readonly Grant[]): User {
  const next = normalizeGrants(grants);
  return ctx.store.transaction(() => {
    const record = ctx.store.users.byId(userId);
    if (record === undefined) throw notFound(`user ${userId}`);
    const admins = ctx.store.users.globalAdminIds();
    if (admins.length === 1 && admins[0] === userId && !isGlobalAdmin(next)) {
      throw lastAdmin(`remove the admin role from ${record.username}`);
    }
    ctx.store.users.setGrants(userId, next);
    return toUser(record, next);
  });
}

/** Deletes the user with their sessions and tokens (the schema cascades). */
export function deleteUser(ctx: AuthContext, userId: string): void {
  ctx.store.transaction(() => {
    const record = ctx.store.users.byId(userId);
    if (record === undefined) throw notFound(`user ${userId}`);
    const admins = ctx.store.users.globalAdminIds();
    if (admins.length === 1 && admins[0] === userId) throw lastAdmin(`delete ${record.username}`);
    ctx.store.users.remove(userId);
  });
}

/** Sets a new password and ends every session of the user (a password change is often a response to a leak). */
export async function setPassword(ctx: AuthContext, userId: string, password: string): Promise<void> {
  const record = ctx.store.users.byId(userId);
  if (record === undefined) throw notFound(`user ${userId}`);
  const normalized = normalizePassword(password);
  checkPassword(normalized, record.username);
  const passwordHash = await ctx.hasher.hash(normalized);
  ctx.store.transaction(() => {
    if (!ctx.store.users.setPasswordHash(userId, passwordHash, iso(nowMs(ctx)))) {
      throw notFound(`user ${userId}`);
    }
    ctx.store.sessions.removeForUser(userId);
  });
}
