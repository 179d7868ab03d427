import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorCodeOf, fakeClock, makeTempDir } from '../../test/support/store.js';
import { openMemoryStore, openStore, type Store } from './db.js';
import { StoreError } from './errors.js';
import { MIGRATIONS, type Migration, migrate } from './migrations.js';

const alive = () => true;
let temp: ReturnType<typeof makeTempDir>;
const opened: Store[] = [];

function open(path: string, clock = fakeClock()): Store {
  const store = openStore({ path, clock, isAlive: alive });
  opened.push(store);
  return store;
}

function migrationRows(path: string): unknown[] {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all();
  } finally {
    db.close();
  }
}

function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    out[name] = createHash('sha256')
      .update(readFileSync(join(dir, name)))
      .digest('hex');
  }
  return out;
}

beforeEach(() => {
  temp = makeTempDir();
});

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  temp.cleanup();
});

describe('openStore', () => {
  it('creates missing folders 0700 and the file 0600, in WAL mode with the required settings', () => {
    const path = join(temp.dir, 'a', 'b', 'state.db');
    const store = open(path);
    store.deployments.create({ stack: 'web', trigger: 'cli', plan: {} });

    expect(statSync(join(temp.dir, 'a')).mode & 0o777).toBe(0o700);
    expect(statSync(join(temp.dir, 'a', 'b')).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    // SQLite copies the database file's mode onto its companions, which hold the same data.
    expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}-shm`).mode & 0o777).toBe(0o600);
    expect(store.settings()).toEqual({
      journalMode: 'wal',
      foreignKeys: true,
      busyTimeoutMs: 5000,
      synchronous: 1,
    });
  });

  it('tightens an existing file that others can read', () => {
    const path = join(temp.dir, 'state.db');
    writeFileSync(path, '', { mode: 0o644 });
    expect(statSync(path).mode & 0o777).toBe(0o644);
    open(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('records WAL mode in the file itself, visible to other connections', () => {
    const path = join(temp.dir, 'state.db');
    open(path).close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('applies migrations once and leaves them alone on reopen', () => {
    const path = join(temp.dir, 'state.db');
    const clock = fakeClock('2025-03-01T10:00:00.000Z');
    const first = open(path, clock);
    expect(first.schemaVersion()).toBe(MIGRATIONS.at(-1)?.version);
    const id = first.deployments.create({ stack: 'web', trigger: 'cli', plan: { n: 1 } }).id;
    first.close();

    const expected = MIGRATIONS.map((m) => ({
      version: m.version,
      name: m.name,
      applied_at: '2025-03-01T10:00:00.000Z',
    }));
    expect(migrationRows(path)).toEqual(expected);

    clock.advance(86_400_000);
    const second = open(path, clock);
    expect(second.deployments.get(id)?.plan).toEqual({ n: 1 });
    second.close();
    expect(migrationRows(path)).toEqual(expected);
  });

  it('refuses a database from a newer Berth and does not modify it', () => {
    const path = join(temp.dir, 'state.db');
    open(path).close();
    const raw = new Database(path);
    raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(999, 'from the future', '2030-01-01');
    raw.close();
    const before = fingerprint(temp.dir);

    let caught: unknown;
    try {
      open(path);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StoreError);
    expect((caught as StoreError).code).toBe('STORE_SCHEMA_TOO_NEW');
    expect((caught as StoreError).message).toContain('999');
    expect((caught as StoreError).hint).toMatch(/upgrade Berth/);
    expect(fingerprint(temp.dir)).toEqual(before);
  });

  it('checks the version before switching a newer non-WAL database to WAL', () => {
    const path = join(temp.dir, 'state.db');
    const raw = new Database(path);
    raw.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)');
    raw.prepare('INSERT INTO schema_migrations VALUES (?, ?, ?)').run(50, 'newer', '2030-01-01');
    raw.close();

    expect(errorCodeOf(() => open(path))).toBe('STORE_SCHEMA_TOO_NEW');
    const check = new Database(path, { readonly: true });
    expect(check.pragma('journal_mode', { simple: true })).toBe('delete');
    check.close();
  });

  it('reports a file that is not a database, and a folder in place of the file, as STORE_IO', () => {
    const garbage = join(temp.dir, 'garbage.db');
    writeFileSync(garbage, 'this is not sqlite, just text that is long enough to fill a header'.repeat(20));
    expect(errorCodeOf(() => open(garbage))).toBe('STORE_IO');

    const folder = join(temp.dir, 'folder.db');
    mkdirSync(folder);
    expect(errorCodeOf(() => open(folder))).toBe('STORE_IO');
  });

  it('maps a write blocked by another process to STORE_LOCKED', () => {
    const path = join(temp.dir, 'state.db');
    const store = openStore({ path, clock: fakeClock(), isAlive: alive, busyTimeoutMs: 0 });
    opened.push(store);
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      expect(errorCodeOf(() => store.deployments.create({ stack: 'web', trigger: 'cli', plan: {} }))).toBe(
        'STORE_LOCKED',
      );
    } finally {
      other.exec('COMMIT');
      other.close();
    }
    expect(store.deployments.create({ stack: 'web', trigger: 'cli', plan: {} }).id).toBe(1);
  });

  it('rejects a negative busy timeout', () => {
    const path = join(temp.dir, 'state.db');
    expect(
      errorCodeOf(() => openStore({ path, clock: fakeClock(), isAlive: alive, busyTimeoutMs: -1 })),
    ).toBe('STORE_INVALID_INPUT');
  });
});

describe('openMemoryStore', () => {
  it('gives a migrated store without touching the disk', () => {
    const store = openMemoryStore(fakeClock());
    opened.push(store);
    expect(store.schemaVersion()).toBe(MIGRATIONS.at(-1)?.version);
    expect(store.settings().foreignKeys).toBe(true);
    expect(store.deployments.create({ stack: 'web', trigger: 'api', plan: null }).id).toBe(1);
  });
});

describe('migrate', () => {
  const steps: Migration[] = [
    { version: 1, name: 'one', up: 'CREATE TABLE t1 (x INTEGER)' },
    { version: 2, name: 'two', up: 'CREATE TABLE t2 (x INTEGER)' },
  ];
  const tables = (db: Database.Database) =>
    db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 't%' ORDER BY name")
      .all()
      .map((r) => (r as { name: string }).name);

  it('applies missing migrations in order, once', () => {
    const db = new Database(':memory:');
    expect(migrate(db, fakeClock(), steps.slice(0, 1))).toEqual([1]);
    expect(migrate(db, fakeClock(), steps)).toEqual([2]);
    expect(migrate(db, fakeClock(), steps)).toEqual([]);
    expect(tables(db)).toEqual(['t1', 't2']);
    db.close();
  });

  it('rolls back a failing migration whole and keeps the ones before it', () => {
    const db = new Database(':memory:');
    const broken: Migration = {
      version: 3,
      name: 'broken',
      up: 'CREATE TABLE t3 (x); INSERT INTO nope VALUES (1)',
    };
    expect(() => migrate(db, fakeClock(), [...steps, broken])).toThrow(/nope/);
    expect(tables(db)).toEqual(['t1', 't2']);
    const versions = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
    expect(versions).toEqual([{ version: 1 }, { version: 2 }]);
    db.close();
  });

  it('refuses a migration list that is not strictly increasing', () => {
    const db = new Database(':memory:');
    expect(() =>
      migrate(
        db,
        fakeClock(),
        [steps[1], steps[0]].filter((m) => m !== undefined),
      ),
    ).toThrow(/increasing/);
    db.close();
  });
});
