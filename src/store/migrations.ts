import type Database from 'better-sqlite3';
import type { Clock } from '../clock.js';
import { isoNow } from './clock.js';
import { StoreError } from './errors.js';
import { appliedVersion, type Migration } from './migration.js';
import { MIGRATION_STACK_DOWNS } from './migration-stack-downs.js';
import { MIGRATIONS_1_TO_5 } from './migrations-1-5.js';
import { MIGRATIONS_6_ON } from './migrations-6-on.js';
import { copyToGoBackTo } from './upgrade-copy.js';

export { appliedVersion, type Migration } from './migration.js';

/**
 * Append-only: a released migration is never edited, only followed by a new one (in
 * ./migrations-6-on.ts, or a file of its own such as ./migration-stack-downs.ts), because databases in the field already recorded it as applied.
 */
export const MIGRATIONS: readonly Migration[] = [
  ...MIGRATIONS_1_TO_5,
  ...MIGRATIONS_6_ON,
  MIGRATION_STACK_DOWNS,
];

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at TEXT NOT NULL
)`;

function assertOrdered(migrations: readonly Migration[]): void {
  let previous = 0;
  for (const m of migrations) {
    if (!Number.isInteger(m.version) || m.version <= previous) {
      throw new Error(
        `migration versions must be increasing positive integers (at ${m.version} "${m.name}")`,
      );
    }
    previous = m.version;
  }
}

/**
 * Refuses a database written by a newer Berth before anything touches it: downgrading would silently drop
 * whatever the newer schema records, and the older code cannot know what that is.
 */
export function assertNotTooNew(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
  path?: string,
): void {
  const known = migrations.at(-1)?.version ?? 0;
  const found = appliedVersion(db);
  if (found > known) {
    const copy = path === undefined ? undefined : copyToGoBackTo(path, known);
    throw new StoreError(
      'STORE_SCHEMA_TOO_NEW',
      `the state database has schema version ${found}, but this Berth only knows up to ${known}`,
      copy !== undefined && path !== undefined
        ? `a newer Berth wrote this file: upgrade Berth, or go back to ${copy.path} (schema ${copy.version}, copied ${new Date(copy.madeMs).toISOString()} before an upgrade): stop every Berth process, move ${path} and its -wal and -shm files aside together (keep them: they hold the audit log since then), and move the copy in place of ${path}. Everything recorded since the copy is gone from the state, including revocations: revoke again any token revoked since, and repeat user and password changes`
        : 'a newer Berth wrote this file: upgrade Berth, or restore a state file from before the upgrade',
    );
  }
}

/** Applies every migration the file lacks, each in its own transaction, and returns the versions applied. */
export function migrate(
  db: Database.Database,
  clock: Pick<Clock, 'now'>,
  migrations: readonly Migration[] = MIGRATIONS,
): number[] {
  assertOrdered(migrations);
  assertNotTooNew(db, migrations);
  db.exec(CREATE_MIGRATIONS_TABLE);
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const applied: number[] = [];
  for (const m of migrations) {
    // IMMEDIATE: two processes opening a fresh file at once must not both run the same migration.
    const step = db.transaction(() => {
      if (isApplied.get(m.version) !== undefined) return false;
      db.exec(m.up);
      record.run(m.version, m.name, isoNow(clock));
      return true;
    });
    if (step.immediate()) applied.push(m.version);
  }
  return applied;
}
