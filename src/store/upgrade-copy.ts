import { closeSync, constants, openSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { StoreError } from './errors.js';

// Before a newer Berth migrates the state file, a copy of it as it was: the way back to the older
// Berth (which refuses a file with a newer schema) without losing what the file held at the upgrade.

/** How many copies are kept: the newest, by schema version (each is a whole state file). */
export const UPGRADE_COPIES_KEPT = 2;

/** `<state file>.schema-<version>.bak`: the state file at `version`, copied before a migration past it. */
export function upgradeCopyPath(path: string, version: number): string {
  return `${path}.schema-${version}.bak`;
}

/** The copies next to `path`, newest schema first. */
export function upgradeCopies(path: string): { version: number; path: string }[] {
  const prefix = `${basename(path)}.schema-`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return [];
  }
  return names
    .flatMap((name) => {
      const match = name.startsWith(prefix) ? /^([0-9]+)\.bak$/.exec(name.slice(prefix.length)) : null;
      return match?.[1] === undefined ? [] : [{ version: Number(match[1]), path: join(dirname(path), name) }];
    })
    .sort((a, b) => b.version - a.version);
}

/**
 * Copies the open database to `upgradeCopyPath(path, version)` (SQLite's VACUUM INTO: a consistent
 * snapshot, even while another process writes), mode 0600 like the file itself, replacing an older
 * copy at that version (after a return to the older Berth, the newer state is the one to keep), and
 * keeps the newest UPGRADE_COPIES_KEPT copies. Throws STORE_IO when it cannot copy: the caller then
 * migrates nothing.
 */
export function copyBeforeMigration(db: Database.Database, path: string, version: number): string {
  const target = upgradeCopyPath(path, version);
  // Written under a name of this process's own, then renamed in place: no reader sees half a copy.
  const partial = `${target}.${process.pid}.partial`;
  try {
    closeSync(openSync(partial, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600));
    db.prepare('VACUUM INTO ?').run(partial);
    renameSync(partial, target);
  } catch (error) {
    throw new StoreError(
      'STORE_IO',
      `cannot copy the state file to ${target} before upgrading its schema from version ${version}: ${error instanceof Error ? error.message : String(error)}`,
      `nothing was migrated; make room or fix the permissions in ${dirname(path)} and start Berth again`,
      { cause: error },
    );
  } finally {
    rmSync(partial, { force: true });
  }
  for (const old of upgradeCopies(path).slice(UPGRADE_COPIES_KEPT)) rmSync(old.path, { force: true });
  return target;
}
