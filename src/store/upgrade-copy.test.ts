import { mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  errorOf,
  fakeClock,
  makeTempDir,
  OLDER_SCHEMA,
  schemaVersionOf,
  writeOlderStateFile,
} from '../../test/support/store.js';
import { openStore, type Store } from './db.js';
import { StoreError } from './errors.js';
import { MIGRATIONS } from './migrations.js';
import {
  copyBeforeMigration,
  copyToGoBackTo,
  UPGRADE_COPIES_KEPT,
  upgradeCopies,
  upgradeCopyPath,
} from './upgrade-copy.js';

// A state file an older Berth wrote is copied before this Berth upgrades its schema: the way back to
// the older Berth, which refuses the upgraded file.

const LATEST = MIGRATIONS.at(-1)?.version ?? 0;
const OLDER = OLDER_SCHEMA;

let temp: ReturnType<typeof makeTempDir>;
const opened: Store[] = [];

function open(path: string): Store {
  const store = openStore({ path, clock: fakeClock(), isAlive: () => true });
  opened.push(store);
  return store;
}

function deploymentsOf(path: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT stack FROM deployments').all();
  } finally {
    db.close();
  }
}

/** The file Berth at schema OLDER wrote: migrated that far, with a deployment of `stack`. */
function writtenByOlderBerth(path: string, stack: string): void {
  writeOlderStateFile(path);
  const db = new Database(path);
  db.prepare(
    "INSERT INTO deployments (stack, trigger, plan_json, status, started_at) VALUES (?, 'cli', '{}', 'succeeded', '2026-01-01T00:00:00.000Z')",
  ).run(stack);
  db.close();
}

beforeEach(() => {
  temp = makeTempDir();
});

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  temp.cleanup();
});

describe('the copy before a schema upgrade', () => {
  it('copies a file an older Berth wrote, mode 0600, at its old schema and with its rows, then upgrades it', () => {
    const path = join(temp.dir, 'state.db');
    writtenByOlderBerth(path, 'shop');
    const store = open(path);
    const copy = upgradeCopyPath(path, OLDER);
    expect(store.upgradeCopy).toEqual({ path: copy, from: OLDER, to: LATEST });
    expect(store.schemaVersion()).toBe(LATEST);
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    expect(schemaVersionOf(copy)).toBe(OLDER);
    expect(deploymentsOf(copy)).toEqual([{ stack: 'shop' }]);
    expect(readdirSync(temp.dir).filter((n) => n.includes('.partial'))).toEqual([]);

    store.close();
    expect(open(path).upgradeCopy).toBeUndefined();
  });

  it('makes no copy of a new file', () => {
    const path = join(temp.dir, 'state.db');
    expect(open(path).upgradeCopy).toBeUndefined();
    expect(upgradeCopies(path)).toEqual([]);
  });

  it(`replaces an older copy at the same schema, and keeps the ${UPGRADE_COPIES_KEPT} newest made`, () => {
    const path = join(temp.dir, 'state.db');
    writtenByOlderBerth(path, 'shop');
    const made = (version: number, seconds: number) => {
      writeFileSync(upgradeCopyPath(path, version), `a copy made at ${seconds}`);
      utimesSync(upgradeCopyPath(path, version), seconds, seconds);
    };
    made(OLDER, 3_000); // from an earlier upgrade: replaced
    made(1, 1_000);
    made(2, 2_000);
    writeFileSync(join(temp.dir, 'other.db.schema-1.bak'), 'not this file’s');
    open(path);
    expect(upgradeCopies(path).map((c) => c.version)).toEqual([OLDER, 2]);
    expect(deploymentsOf(upgradeCopyPath(path, OLDER))).toEqual([{ stack: 'shop' }]);
    expect(readdirSync(temp.dir)).toContain('other.db.schema-1.bak');
  });

  it('names, for going back, the newest copy made at or below the schema a Berth reads', () => {
    const path = join(temp.dir, 'state.db');
    const made = (version: number, seconds: number) => {
      writeFileSync(upgradeCopyPath(path, version), '');
      utimesSync(upgradeCopyPath(path, version), seconds, seconds);
    };
    // 11 → 12 → 13, back to 11 (copy 12 is from the abandoned line), then 11 → 13 again.
    made(12, 2_000);
    made(11, 3_000);
    made(13, 4_000);
    expect(copyToGoBackTo(path, 12)?.version).toBe(11);
    expect(copyToGoBackTo(path, 13)?.version).toBe(13);
    expect(copyToGoBackTo(path, 10)).toBeUndefined();
  });

  it('makes no copy when another process upgraded the file after its version was read', () => {
    const path = join(temp.dir, 'state.db');
    writtenByOlderBerth(path, 'shop');
    open(path).close();
    const db = new Database(path);
    expect(copyBeforeMigration(db, path, OLDER, () => true)).toBeUndefined();
    db.close();
    expect(readdirSync(temp.dir).filter((n) => n.endsWith('.bak') || n.includes('.partial'))).toEqual([
      `state.db.schema-${OLDER}.bak`,
    ]);
    expect(schemaVersionOf(upgradeCopyPath(path, OLDER))).toBe(OLDER);
  });

  it('removes the half-written copies of processes that are gone, and only those', () => {
    const path = join(temp.dir, 'state.db');
    writtenByOlderBerth(path, 'shop');
    const partial = (pid: number) => `state.db.schema-1.bak.${pid}.partial`;
    for (const name of [
      partial(111),
      `${partial(111)}-journal`,
      partial(222),
      'other.db.schema-1.bak.111.partial',
    ])
      writeFileSync(join(temp.dir, name), 'half a copy');
    const db = new Database(path);
    copyBeforeMigration(db, path, OLDER, (pid) => pid === 222);
    db.close();
    expect(
      readdirSync(temp.dir)
        .filter((n) => n.includes('.partial'))
        .sort(),
    ).toEqual(['other.db.schema-1.bak.111.partial', partial(222)]);
  });

  it('migrates nothing when it cannot copy, and says where and what to do', () => {
    const path = join(temp.dir, 'state.db');
    writtenByOlderBerth(path, 'shop');
    mkdirSync(upgradeCopyPath(path, OLDER));
    const error = errorOf(() => open(path));
    expect(error).toBeInstanceOf(StoreError);
    expect(error).toMatchObject({ code: 'STORE_IO' });
    expect((error as StoreError).message).toContain(
      `cannot copy the state file to ${upgradeCopyPath(path, OLDER)}`,
    );
    expect((error as StoreError).hint).toContain('nothing was migrated');
    expect(schemaVersionOf(path)).toBe(OLDER);
  });

  it('names the copy in the refusal of an older Berth, with how to go back to it without losing the newer file', () => {
    const path = join(temp.dir, 'state.db');
    open(path).close();
    writeFileSync(upgradeCopyPath(path, LATEST), 'the copy a newer Berth made');
    const raw = new Database(path);
    raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(LATEST + 1, 'newer', '2030-01-01');
    raw.close();
    const error = errorOf(() => open(path)) as StoreError;
    expect(error.code).toBe('STORE_SCHEMA_TOO_NEW');
    expect(error.hint).toContain(`go back to ${upgradeCopyPath(path, LATEST)} (schema ${LATEST}, copied `);
    expect(error.hint).toContain(`move ${path} and its -wal and -shm files aside together`);
    expect(error.hint).toContain('revoke again any token revoked since');
  });
});
