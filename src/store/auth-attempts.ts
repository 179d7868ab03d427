import type Database from 'better-sqlite3';
import { z } from 'zod';
import { guard } from './errors.js';
import { parseRow } from './json.js';

/**
 * Failed logins are counted per account, per client address, and per pair of the two; failed first-run
 * setups per client address.
 */
export type AttemptScope = 'account' | 'ip' | 'pair' | 'setup';

/** One row per scope and key: the table stays as small as the set of recently failing keys. */
export interface AttemptRecord {
  failures: number;
  lastFailureAt: string;
  lockedUntil?: string;
}

export interface LoginAttemptStore {
  get(scope: AttemptScope, key: string): AttemptRecord | undefined;
  put(scope: AttemptScope, key: string, record: AttemptRecord): void;
  remove(scope: AttemptScope, key: string): boolean;
  /** Removes rows whose last failure and lock both ended at or before `before` (ISO-8601). */
  removeQuietSince(before: string): number;
}

const AttemptRowSchema = z.object({
  failures: z.number().int().nonnegative(),
  last_failure_at: z.string(),
  locked_until: z.string().nullable(),
});

export function createLoginAttemptStore(db: Database.Database): LoginAttemptStore {
  const q = {
    get: db.prepare(
      'SELECT failures, last_failure_at, locked_until FROM login_attempts WHERE scope = ? AND key = ?',
    ),
    put: db.prepare(
      `INSERT INTO login_attempts (scope, key, failures, last_failure_at, locked_until) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (scope, key) DO UPDATE SET failures = excluded.failures,
         last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until`,
    ),
    remove: db.prepare('DELETE FROM login_attempts WHERE scope = ? AND key = ?'),
    removeQuiet: db.prepare(
      `DELETE FROM login_attempts WHERE last_failure_at <= ? AND (locked_until IS NULL OR locked_until <= ?)`,
    ),
  };
  return {
    get: (scope, key) =>
      guard(() => {
        const row = q.get.get(scope, key);
        if (row === undefined) return undefined;
        const r = parseRow(row, AttemptRowSchema, 'login attempts');
        const record: AttemptRecord = { failures: r.failures, lastFailureAt: r.last_failure_at };
        if (r.locked_until !== null) record.lockedUntil = r.locked_until;
        return record;
      }),
    put: (scope, key, r) =>
      guard(() => {
        q.put.run(scope, key, r.failures, r.lastFailureAt, r.lockedUntil ?? null);
      }),
    remove: (scope, key) => guard(() => q.remove.run(scope, key).changes === 1),
    removeQuietSince: (before) => guard(() => q.removeQuiet.run(before, before).changes),
  };
}
