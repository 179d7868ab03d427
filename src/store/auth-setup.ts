import type Database from 'better-sqlite3';
import { z } from 'zod';
import { guard } from './errors.js';
import { parseRow } from './json.js';

/** The one-time token that creates the first admin. Only its sha256 is kept, and only one at a time. */
export interface SetupTokenRecord {
  tokenHash: string;
  createdAt: string;
  expiresAt: string;
}

export interface SetupTokenStore {
  /** Stores the token, replacing any earlier one. */
  put(token: SetupTokenRecord): void;
  get(): SetupTokenRecord | undefined;
  /** Deletes the token if it matches and expires after `now`; true when it did (the token is used up). */
  consume(tokenHash: string, now: string): boolean;
  /** Removes the token if it expired at or before `now`. */
  removeExpired(now: string): number;
}

const SetupRowSchema = z.object({ token_hash: z.string(), created_at: z.string(), expires_at: z.string() });

export function createSetupTokenStore(db: Database.Database): SetupTokenStore {
  const q = {
    put: db.prepare(
      `INSERT INTO setup_tokens (slot, token_hash, created_at, expires_at) VALUES (1, ?, ?, ?)
       ON CONFLICT (slot) DO UPDATE SET token_hash = excluded.token_hash, created_at = excluded.created_at,
         expires_at = excluded.expires_at`,
    ),
    get: db.prepare('SELECT token_hash, created_at, expires_at FROM setup_tokens WHERE slot = 1'),
    consume: db.prepare('DELETE FROM setup_tokens WHERE slot = 1 AND token_hash = ? AND expires_at > ?'),
    removeExpired: db.prepare('DELETE FROM setup_tokens WHERE expires_at <= ?'),
  };
  return {
    put: (t) =>
      guard(() => {
        q.put.run(t.tokenHash, t.createdAt, t.expiresAt);
      }),
    get: () =>
      guard(() => {
        const row = q.get.get();
        if (row === undefined) return undefined;
        const r = parseRow(row, SetupRowSchema, 'setup token');
        return { tokenHash: r.token_hash, createdAt: r.created_at, expiresAt: r.expires_at };
      }),
    consume: (tokenHash, now) => guard(() => q.consume.run(tokenHash, now).changes === 1),
    removeExpired: (now) => guard(() => q.removeExpired.run(now).changes),
  };
}
