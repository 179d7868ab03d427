import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  errorCodeOf,
  fakeClock,
  makeTempDir,
  OLDER_SCHEMA,
  writeOlderStateFile,
} from '../../test/support/store.js';
import { openStore, type Store } from './db.js';
import { MIGRATIONS } from './migrations.js';

// Migration 15 adds each operation's owner: a state file from before it (schema 14) keeps its
// running operations, without an owner (recover takes them for a previous server's, as before).

let temp: ReturnType<typeof makeTempDir>;
let store: Store | undefined;
beforeEach(() => {
  temp = makeTempDir('berth-op-owners-');
});
afterEach(() => {
  store?.close();
  temp.cleanup();
});

const owner = { pid: 4242, host: 'box', token: 'tok-1', process: 'local' as const };

describe('operation owners', () => {
  it('migrates a state file from before owners, keeping its running operation without one', () => {
    const path = join(temp.dir, 'berth.db');
    writeOlderStateFile(path);
    const old = new Database(path);
    expect(old.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({
      v: OLDER_SCHEMA,
    });
    old
      .prepare(
        `INSERT INTO operations (id, stack, kind, actor, request_id, status, started_at)
         VALUES ('op-old', 'shop', 'restore', 'alice', 'r-1', 'running', '2026-12-01T00:00:00.000Z')`,
      )
      .run();
    old.close();

    store = openStore({ path, clock: fakeClock(), isAlive: () => true });
    expect(store.schemaVersion()).toBe(MIGRATIONS.at(-1)?.version);
    expect(store.operations.running().map((o) => o.id)).toEqual(['op-old']);
    expect(store.operations.ownerOf('op-old')).toBeUndefined();

    store.operations.start({
      id: 'op-new',
      stack: 'shop',
      kind: 'restore',
      actor: 'local',
      requestId: 'r-2',
      owner,
    });
    expect(store.operations.ownerOf('op-new')).toEqual(owner);
    // Only the owner is stored apart: the record the API answers is unchanged.
    expect(store.operations.get('op-new')).not.toHaveProperty('owner');
  });

  it('keeps the owner across a reopening, and answers undefined for an unknown id', () => {
    const path = join(temp.dir, 'berth.db');
    store = openStore({ path, clock: fakeClock(), isAlive: () => true });
    store.operations.start({ id: 'op-1', stack: 'shop', kind: 'up', actor: 'alice', requestId: 'r', owner });
    store.close();
    store = openStore({ path, clock: fakeClock(), isAlive: () => true });
    expect(store.operations.ownerOf('op-1')).toEqual(owner);
    expect(store.operations.ownerOf('nope')).toBeUndefined();
  });

  it('refuses an owner it could not check later, recording nothing', () => {
    store = openStore({ path: join(temp.dir, 'berth.db'), clock: fakeClock(), isAlive: () => true });
    const ops = store.operations;
    const bad = { ...owner, pid: 0 };
    expect(
      errorCodeOf(() =>
        ops.start({ id: 'op-bad', stack: 'shop', kind: 'up', actor: 'alice', requestId: 'r', owner: bad }),
      ),
    ).toBe('STORE_INVALID_INPUT');
    expect(ops.get('op-bad')).toBeUndefined();
  });
});
