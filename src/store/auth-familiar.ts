import type Database from 'better-sqlite3';
import { guard } from './errors.js';

/**
 * The (account, address) pairs that logged in successfully, by a hash of the pair: a client that proved
 * it knows the password is not refused for what others do under the same account or address.
 */
export interface FamiliarLoginStore {
  /** Records a success of `key` at `at` (ISO-8601). */
  mark(key: string, at: string): void;
  /** Whether `key` succeeded at or after `since` (ISO-8601). */
  seenSince(key: string, since: string): boolean;
  /** Forgets pairs whose last success was before `before` (ISO-8601). */
  removeBefore(before: string): number;
}

export function createFamiliarLoginStore(db: Database.Database): FamiliarLoginStore {
  const q = {
    mark: db.prepare(
      `INSERT INTO login_familiar (key, last_success_at) VALUES (?, ?)
       ON CONFLICT (key) DO UPDATE SET last_success_at = max(last_success_at, excluded.last_success_at)`,
    ),
    seen: db.prepare('SELECT 1 FROM login_familiar WHERE key = ? AND last_success_at >= ?'),
    remove: db.prepare('DELETE FROM login_familiar WHERE last_success_at < ?'),
  };
  return {
    mark: (key, at) =>
      guard(() => {
        q.mark.run(key, at);
      }),
    seenSince: (key, since) => guard(() => q.seen.get(key, since) !== undefined),
    removeBefore: (before) => guard(() => q.remove.run(before).changes),
  };
}
