import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../../src/clock.js';
import { appliedVersion, MIGRATIONS, migrate } from '../../src/store/migrations.js';

/** A clock that only moves when told to, so stored timestamps are exact and tests never sleep. */
export interface FakeClock extends Pick<Clock, 'now'> {
  advance(ms: number): void;
}

export function fakeClock(start = '2025-01-01T00:00:00.000Z'): FakeClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms;
    },
  };
}

/** A fresh temp folder plus a cleanup that removes it (call it from afterEach). */
export function makeTempDir(prefix = 'berth-store-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The StoreError code `fn` throws, a description of any other throw, or undefined if it returns. */
export function errorCodeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.name === 'StoreError') return String(error.code);
    return `not a StoreError: ${String(error)}`;
  }
  return undefined;
}

/** What `fn` throws; fails the test when it returns. */
export function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

/** The schema version before the latest migration: what the previous Berth writes. */
export const OLDER_SCHEMA = MIGRATIONS.at(-2)?.version ?? 0;

/** Writes a state file as the Berth before the latest migration leaves it (WAL mode, schema OLDER_SCHEMA). */
export function writeOlderStateFile(path: string): void {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    migrate(db, fakeClock(), MIGRATIONS.slice(0, -1));
  } finally {
    db.close();
  }
}

/** The schema version recorded in the state file at `path`, read without changing it. */
export function schemaVersionOf(path: string): number {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return appliedVersion(db);
  } finally {
    db.close();
  }
}
