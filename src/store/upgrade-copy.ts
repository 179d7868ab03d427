import { closeSync, constants, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from './errors.js';
import { appliedVersion } from './migration.js';

// Before a newer Berth migrates the state file, a copy of it as it was: the way back to the older
// Berth (which refuses a file with a newer schema) without losing what the file held at the upgrade.

/** How many copies are kept: the newest made (each is a whole state file). */
export const UPGRADE_COPIES_KEPT = 2;

/** `<state file>.schema-<version>.bak`: the state file at `version`, copied before a migration past it. */
export function upgradeCopyPath(path: string, version: number): string {
  return `${path}.schema-${version}.bak`;
}

export interface UpgradeCopy {
  readonly version: number;
  readonly path: string;
  /** When it was made (its modification time), ms since the epoch. */
  readonly madeMs: number;
}

/** The names in the state file's folder, or none when it cannot be read. */
function siblings(path: string): string[] {
  try {
    return readdirSync(dirname(path));
  } catch {
    return [];
  }
}

/** The copies next to `path`, the newest made first. */
export function upgradeCopies(path: string): UpgradeCopy[] {
  const prefix = `${basename(path)}.schema-`;
  return siblings(path)
    .flatMap((name) => {
      const match = name.startsWith(prefix) ? /^([0-9]+)\.bak$/.exec(name.slice(prefix.length)) : null;
      if (match?.[1] === undefined) return [];
      const copy = join(dirname(path), name);
      try {
        return [{ version: Number(match[1]), path: copy, madeMs: statSync(copy).mtimeMs }];
      } catch {
        return [];
      }
    })
    .sort((a, b) => b.madeMs - a.madeMs);
}

/** The copy an older Berth that reads schemas up to `known` can go back to: the newest made at or below it. */
export function copyToGoBackTo(path: string, known: number): UpgradeCopy | undefined {
  return upgradeCopies(path).find((c) => c.version <= known);
}

/** Half-written copies (`….bak.<pid>.partial`, and SQLite's journal of one) of processes that are gone. */
function removeAbandonedPartials(path: string, isAlive: (pid: number) => boolean): void {
  const pattern = new RegExp(
    `^${basename(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.schema-[0-9]+\\.bak\\.([0-9]+)\\.partial(-journal)?$`,
  );
  for (const name of siblings(path)) {
    const pid = pattern.exec(name)?.[1];
    if (pid !== undefined && !isAlive(Number(pid))) rmSync(join(dirname(path), name), { force: true });
  }
}

function schemaOf(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return appliedVersion(db);
  } finally {
    db.close();
  }
}

/**
 * Copies the open database to `upgradeCopyPath(path, version)` (SQLite's VACUUM INTO: a consistent
 * snapshot, even while another process writes), mode 0600 like the file itself, replacing an older
 * copy at that version (after a return to the older Berth, the newer state is the one to keep), and
 * keeps the UPGRADE_COPIES_KEPT newest copies. Returns undefined when another process upgraded the
 * file between the caller's read of its version and the snapshot (that process made the copy).
 * Throws STORE_IO when it cannot copy: the caller then migrates nothing.
 */
export function copyBeforeMigration(
  db: Database.Database,
  path: string,
  version: number,
  isAlive: (pid: number) => boolean,
): string | undefined {
  const target = upgradeCopyPath(path, version);
  removeAbandonedPartials(path, isAlive);
  // Written under a name of this process's own, then renamed in place: no reader sees half a copy.
  const partial = `${target}.${process.pid}.partial`;
  try {
    closeSync(openSync(partial, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 0o600));
    db.prepare('VACUUM INTO ?').run(partial);
    if (schemaOf(partial) !== version) return undefined;
    renameSync(partial, target);
  } catch (error) {
    const size = (() => {
      try {
        return `${Math.ceil(statSync(path).size / 1e6)} MB`;
      } catch {
        return 'as much as the state file';
      }
    })();
    throw new StoreError(
      'STORE_IO',
      `cannot copy the state file to ${target} before upgrading its schema from version ${version}: ${error instanceof Error ? error.message : String(error)}`,
      `nothing was migrated; the copy needs about ${size} free in ${dirname(path)} (and write permission there): make room and start Berth again`,
      { cause: error },
    );
  } finally {
    rmSync(partial, { force: true });
  }
  for (const old of upgradeCopies(path).slice(UPGRADE_COPIES_KEPT)) rmSync(old.path, { force: true });
  return target;
}
