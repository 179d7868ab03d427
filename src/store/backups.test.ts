import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeClock, fakeClock } from '../../test/support/store.js';
import { createBackupStore } from './backups.js';
import type { LockOwner } from './locks.js';
import { migrate } from './migrations.js';

const LIVE: LockOwner = { pid: 100, host: 'h', token: 'live' };
const GONE: LockOwner = { pid: 200, host: 'h', token: 'gone' };
const isAlive = (o: LockOwner) => o.pid === LIVE.pid;

let db: Database.Database;
let clock: FakeClock;

beforeEach(() => {
  db = new Database(':memory:');
  clock = fakeClock('2026-06-10T10:00:00.000Z');
  migrate(db, clock);
});
afterEach(() => db.close());

const begin = (owner: LockOwner | undefined, id: string) =>
  createBackupStore(db, clock, isAlive, owner).begin({
    id,
    stack: 's',
    service: 'db',
    kind: 'mariadb',
    store: 'local',
    trigger: 'manual',
  });

describe('backups left running', () => {
  it('interrupts only what a process that is gone (or unknown) left running', () => {
    begin(LIVE, 'a-live');
    begin(GONE, 'b-gone');
    begin(undefined, 'c-unowned');
    const store = createBackupStore(db, clock, isAlive);
    const interrupted = store.interruptRunning('Berth stopped during the backup');
    expect(interrupted.map((b) => b.id).sort()).toEqual(['b-gone', 'c-unowned']);
    expect(store.get('a-live')?.status).toBe('running');
    expect(store.get('b-gone')).toMatchObject({
      status: 'failed',
      reason: 'Berth stopped during the backup',
    });
    // What is left running is a live process's: its files are not the next start's to clean.
    expect(store.liveIds()).toEqual(['a-live']);
  });

  it('a drill or restore of a live process keeps its hold; one of a gone process is released', () => {
    const gone = createBackupStore(db, clock, isAlive, GONE);
    const live = createBackupStore(db, clock, isAlive, LIVE);
    for (const [store, id] of [
      [gone, 'x'],
      [live, 'y'],
    ] as const) {
      store.begin({ id, stack: 's', service: 'db', kind: 'redis', store: 'local', trigger: 'manual' });
      store.complete(id, {
        artifact: `s/db/${id}.rdb.gz.age`,
        manifest: {
          format: 1,
          id,
          stack: 's',
          service: 'db',
          kind: 'redis',
          tool: 'redis-cli',
          image: 'i',
          startedAt: '2026-06-10T10:00:00.000Z',
          finishedAt: '2026-06-10T10:00:01.000Z',
          artifact: {
            file: `${id}.rdb.gz.age`,
            compression: 'gzip',
            encryption: 'age',
            recipients: ['age1x'],
            size: 1,
            sha256: 'x',
            plainSize: 1,
          },
          facts: { keys: 1 },
          timings: { totalMs: 1 },
        },
      });
      store.use(id, 'drill');
      store.drillStarted(id);
    }
    const interrupted = createBackupStore(db, clock, isAlive).interruptRunning('stopped', 'drill stopped');
    expect(interrupted.map((b) => b.id)).toEqual(['x']);
    expect(live.get('x')).toMatchObject({ drill: { status: 'failed', reason: 'drill stopped' } });
    expect(live.get('x')?.inUse).toBeUndefined();
    expect(live.get('y')).toMatchObject({ drill: { status: 'running' }, inUse: 'drill' });
  });
});
