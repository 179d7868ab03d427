import type Database from 'better-sqlite3';
import { z } from 'zod';
import { guard } from './errors.js';
import { parseRow } from './json.js';

/** The roles the schema accepts; the same list as ROLES in src/server/rbac.ts (checked there by a test). */
export const StoredRoleSchema = z.enum(['viewer', 'operator', 'admin']);
export type StoredRole = z.infer<typeof StoredRoleSchema>;

export interface UserRecord {
  id: string;
  username: string;
  /** An argon2id PHC string, never the password. */
  passwordHash: string;
  createdAt: string;
  passwordChangedAt: string;
}

/** `stack` absent: the grant holds on every stack. */
export interface GrantRecord {
  role: StoredRole;
  stack?: string;
}

export interface UserStore {
  count(): number;
  /** False when the username is taken (nothing is written). */
  insert(user: UserRecord, grants: readonly GrantRecord[]): boolean;
  byId(id: string): UserRecord | undefined;
  byUsername(username: string): UserRecord | undefined;
  /** Every user, by username. */
  list(): UserRecord[];
  grants(userId: string): GrantRecord[];
  /** Replaces the user's grants; at most one per stack (the caller merges duplicates). */
  setGrants(userId: string, grants: readonly GrantRecord[]): void;
  setPasswordHash(userId: string, passwordHash: string, at: string): boolean;
  remove(id: string): boolean;
  /** Ids of the users holding `admin` on every stack. */
  globalAdminIds(): string[];
}

const UserRowSchema = z.object({
  id: z.string(),
  username: z.string(),
  password_hash: z.string(),
  created_at: z.string(),
  password_changed_at: z.string(),
});

const GrantRowSchema = z.object({ stack: z.string(), role: StoredRoleSchema });

/** The key of a grant on every stack: stack names are never empty, so '' cannot clash with one. */
const EVERY_STACK = '';

function toUser(row: unknown): UserRecord {
  const r = parseRow(row, UserRowSchema, 'user');
  return {
    id: r.id,
    username: r.username,
    passwordHash: r.password_hash,
    createdAt: r.created_at,
    passwordChangedAt: r.password_changed_at,
  };
}

function toGrant(row: unknown): GrantRecord {
  const r = parseRow(row, GrantRowSchema, 'user grant');
  return r.stack === EVERY_STACK ? { role: r.role } : { role: r.role, stack: r.stack };
}

export function createUserStore(db: Database.Database): UserStore {
  const q = {
    count: db.prepare('SELECT COUNT(*) AS n FROM users').pluck(),
    insert: db.prepare(
      `INSERT INTO users (id, username, password_hash, created_at, password_changed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (username) DO NOTHING`,
    ),
    byId: db.prepare('SELECT * FROM users WHERE id = ?'),
    byUsername: db.prepare('SELECT * FROM users WHERE username = ?'),
    list: db.prepare('SELECT * FROM users ORDER BY username'),
    grants: db.prepare('SELECT stack, role FROM user_grants WHERE user_id = ? ORDER BY stack'),
    clearGrants: db.prepare('DELETE FROM user_grants WHERE user_id = ?'),
    addGrant: db.prepare('INSERT INTO user_grants (user_id, stack, role) VALUES (?, ?, ?)'),
    setPassword: db.prepare('UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?'),
    remove: db.prepare('DELETE FROM users WHERE id = ?'),
    globalAdmins: db
      .prepare(`SELECT user_id FROM user_grants WHERE role = 'admin' AND stack = '' ORDER BY user_id`)
      .pluck(),
  };

  const writeGrants = (userId: string, grants: readonly GrantRecord[]): void => {
    q.clearGrants.run(userId);
    for (const g of grants) q.addGrant.run(userId, g.stack ?? EVERY_STACK, g.role);
  };

  const insertTx = db.transaction((user: UserRecord, grants: readonly GrantRecord[]) => {
    const { changes } = q.insert.run(
      user.id,
      user.username,
      user.passwordHash,
      user.createdAt,
      user.passwordChangedAt,
    );
    if (changes === 0) return false;
    writeGrants(user.id, grants);
    return true;
  });
  const setGrantsTx = db.transaction(writeGrants);

  return {
    count: () => guard(() => Number(q.count.get())),
    insert: (user, grants) => guard(() => insertTx(user, grants)),
    byId: (id) =>
      guard(() => {
        const row = q.byId.get(id);
        return row === undefined ? undefined : toUser(row);
      }),
    byUsername: (username) =>
      guard(() => {
        const row = q.byUsername.get(username);
        return row === undefined ? undefined : toUser(row);
      }),
    list: () => guard(() => q.list.all().map(toUser)),
    grants: (userId) => guard(() => q.grants.all(userId).map(toGrant)),
    setGrants: (userId, grants) => guard(() => setGrantsTx(userId, grants)),
    setPasswordHash: (userId, passwordHash, at) =>
      guard(() => q.setPassword.run(passwordHash, at, userId).changes === 1),
    remove: (id) => guard(() => q.remove.run(id).changes === 1),
    globalAdminIds: () => guard(() => q.globalAdmins.all().map(String)),
  };
}
