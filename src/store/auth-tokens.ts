import type Database from 'better-sqlite3';
import { z } from 'zod';
import { type StoredRole, StoredRoleSchema } from './auth-users.js';
import { guard } from './errors.js';
import { fromJsonText, parseRow, toJsonText } from './json.js';

/** An API token. Only the sha256 of the token is kept; the token itself is shown once, at creation. */
export interface ApiTokenRecord {
  id: string;
  userId: string;
  name: string;
  tokenHash: string;
  /** The most the token may do, whatever its owner may. */
  role: StoredRole;
  /** Absent: every stack its owner may reach. */
  stacks?: string[];
  createdAt: string;
  expiresAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

export interface ApiTokenStore {
  insert(token: ApiTokenRecord): void;
  byHash(tokenHash: string): ApiTokenRecord | undefined;
  byId(id: string): ApiTokenRecord | undefined;
  /** The user's tokens, newest first. */
  listForUser(userId: string): ApiTokenRecord[];
  markUsed(id: string, at: string): void;
  /** Sets revokedAt unless already revoked; false if no such token. */
  revoke(id: string, at: string): boolean;
  /** Removes tokens that expired, or were revoked, at or before `before` (ISO-8601). */
  removeEndedBefore(before: string): number;
}

const StacksSchema = z.array(z.string());

const TokenRowSchema = z.object({
  id: z.string(),
  user_id: z.string(),
  name: z.string(),
  token_hash: z.string(),
  role: StoredRoleSchema,
  stacks_json: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string(),
  last_used_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
});

function toToken(row: unknown): ApiTokenRecord {
  const r = parseRow(row, TokenRowSchema, 'API token');
  const token: ApiTokenRecord = {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    tokenHash: r.token_hash,
    role: r.role,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
  };
  if (r.stacks_json !== null) token.stacks = fromJsonText(r.stacks_json, StacksSchema, 'API token stacks');
  if (r.last_used_at !== null) token.lastUsedAt = r.last_used_at;
  if (r.revoked_at !== null) token.revokedAt = r.revoked_at;
  return token;
}

export function createApiTokenStore(db: Database.Database): ApiTokenStore {
  const q = {
    insert: db.prepare(
      `INSERT INTO api_tokens (id, user_id, name, token_hash, role, stacks_json, created_at, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    byHash: db.prepare('SELECT * FROM api_tokens WHERE token_hash = ?'),
    byId: db.prepare('SELECT * FROM api_tokens WHERE id = ?'),
    listForUser: db.prepare('SELECT * FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, id'),
    markUsed: db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?'),
    revoke: db.prepare('UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?'),
    removeEnded: db.prepare('DELETE FROM api_tokens WHERE expires_at <= ? OR revoked_at <= ?'),
  };
  return {
    insert: (t) =>
      guard(() => {
        const stacks = t.stacks === undefined ? null : toJsonText(t.stacks, 'API token stacks');
        q.insert.run(t.id, t.userId, t.name, t.tokenHash, t.role, stacks, t.createdAt, t.expiresAt);
      }),
    byHash: (tokenHash) =>
      guard(() => {
        const row = q.byHash.get(tokenHash);
        return row === undefined ? undefined : toToken(row);
      }),
    byId: (id) =>
      guard(() => {
        const row = q.byId.get(id);
        return row === undefined ? undefined : toToken(row);
      }),
    listForUser: (userId) => guard(() => q.listForUser.all(userId).map(toToken)),
    markUsed: (id, at) =>
      guard(() => {
        q.markUsed.run(at, id);
      }),
    revoke: (id, at) => guard(() => q.revoke.run(at, id).changes === 1),
    removeEndedBefore: (before) => guard(() => q.removeEnded.run(before, before).changes),
  };
}
