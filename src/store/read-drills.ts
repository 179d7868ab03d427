import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Clock } from '../clock.js';
import { createBackupStore } from './backups.js';
import { guard } from './errors.js';
import { appliedVersion, MIGRATIONS } from './migrations.js';

export type LastDrill = ReturnType<ReturnType<typeof createBackupStore>['lastDrills']>[number];

/**
 * The latest restore drill per service from the state file at `path`, read without changing the
 * file: opened read-only, never migrated (a reader such as `berth audit --live` must not upgrade a
 * file another Berth still uses). A file of another schema version is not read, and says why.
 */
export function readLastDrills(
  path: string,
  clock: Pick<Clock, 'now'>,
): { readonly drills: LastDrill[] } | { readonly unread: string } {
  if (!existsSync(path)) return { drills: [] };
  const db = guard(() => new Database(path, { readonly: true, fileMustExist: true }));
  try {
    const found = guard(() => appliedVersion(db));
    const known = MIGRATIONS.at(-1)?.version ?? 0;
    if (found !== known)
      return {
        unread: `the state file ${path} has schema version ${found} and this Berth reads ${known}: a Berth of another version wrote it, and an audit does not upgrade it`,
      };
    return { drills: guard(() => createBackupStore(db, clock).lastDrills()) };
  } finally {
    db.close();
  }
}
