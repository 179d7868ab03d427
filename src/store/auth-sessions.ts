import type Database from 'better-sqlite3';
import { z } from 'zod';
import { guard } from './errors.js';
import { parseRow } from './json.js';

/** A browser session. Only hashes of the session id and CSRF token are kept. */
export interface SessionRecord {
  idHash: string;
  userId: string;
  csrfHash: string;
  createdAt: string;
  idleExpiresAt: string;
  absoluteExpiresAt: string;
}

export interface SessionStore {
  insert(session: SessionRecord): void;
  get(idHash: string): SessionRecord | undefined;
  /** Moves the idle expiry; false if the session is gone. */
  touch(idHash: string, idleExpiresAt: string): boolean;
  remove(idHash: string): boolean;
  removeForUser(userId: string): number;
  /** Removes sessions whose idle or absolute expiry is at or before `now` (ISO-8601). */
  removeExpired(now: string): number;
}

const SessionRowSchema = z.object({
  id_hash: z.string(),
  user_id: z.string(),
  csrf_hash: z.string(),
  created_at: z.string(),
  idle_expires_at: z.string(),
  absolute_expires_at: z.string(),
});

function toSession(row: unknown): SessionRecord {
  const r = parseRow(row, SessionRowSchema, 'session');
  return {
    idHash: r.id_hash,
    userId: r.user_id,
    csrfHash: r.csrf_hash,
    createdAt: r.created_at,
    idleExpiresAt: r.idle_expires_at,
    absoluteExpiresAt: r.absolute_expires_at,
  };
}

export function createSessionStore(db: Database.Database): SessionStore {
  const q = {
    insert: db.prepare(
      `INSERT INTO sessions (id_hash, user_id, csrf_hash, created_at, idle_expires_at, absolute_expires_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    get: db.prepare('SELECT * FROM sessions WHERE id_hash = ?'),
    touch: db.prepare('UPDATE sessions SET idle_expires_at = ? WHERE id_hash = ?'),
    remove: db.prepare('DELETE FROM sessions WHERE id_hash = ?'),
    removeForUser: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
    // ISO-8601 strings from toISOString have one width, so text order is time order.
    removeExpired: db.prepare('DELETE FROM sessions WHERE idle_expires_at <= ? OR absolute_expires_at <= ?'),
  };
  return {
    insert: (s) =>
      guard(() => {
        q.insert.run(s.idHash, s.userId, s.csrfHash, s.createdAt, s.idleExpiresAt, s.absoluteExpiresAt);
      }),
    get: (idHash) =>
      guard(() => {
        const row = q.get.get(idHash);
        return row === undefined ? undefined : toSession(row);
      }),
    touch: (idHash, idleExpiresAt) => guard(() => q.touch.run(idleExpiresAt, idHash).changes === 1),
    remove: (idHash) => guard(() => q.remove.run(idHash).changes === 1),
    removeForUser: (userId) => guard(() => q.removeForUser.run(userId).changes),
    removeExpired: (now) => guard(() => q.removeExpired.run(now, now).changes),
  };
}
