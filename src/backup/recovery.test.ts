import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeClock, makeTempDir } from '../../test/support/store.js';
import { createBackupStore } from '../store/backups.js';
import type { LockOwner } from '../store/locks.js';
import { migrate } from '../store/migrations.js';
import { recoverAll } from './recovery.js';
import { dirStore } from './stores/dir.js';

// The server's start beside a `berth --local backup run` that is still writing: the live backup's
// partial file stays, a dead one's goes, and scratch objects are left for a later start.

const LIVE: LockOwner = { pid: 100, host: 'h', token: 'live' };
const GONE: LockOwner = { pid: 200, host: 'h', token: 'gone' };
const isAlive = (o: LockOwner) => o.pid === LIVE.pid;

let temp: ReturnType<typeof makeTempDir>;
let db: Database.Database;
beforeEach(() => {
  temp = makeTempDir('berth-recovery-');
  db = new Database(':memory:');
  migrate(db, fakeClock('2026-06-10T10:00:00.000Z'));
});
afterEach(() => {
  db.close();
  temp.cleanup();
});

function begin(owner: LockOwner, id: string): void {
  createBackupStore(db, fakeClock('2026-06-10T10:00:00.000Z'), isAlive, owner).begin({
    id,
    stack: 'shop',
    service: 'db',
    kind: 'volume',
    store: 'local',
    trigger: 'manual',
  });
}

function partial(id: string): string {
  const dir = join(temp.dir, 'store', 'shop', 'db');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${id}.tar.gz.age.partial-0a1b2c3d`);
  writeFileSync(path, 'half');
  return path;
}

describe('recovery at the server’s start', () => {
  it('keeps what a live process is writing, and leaves scratch objects while it runs', async () => {
    begin(LIVE, '20260610T100000Z-aaaa');
    begin(GONE, '20260610T095000Z-bbbb');
    const live = partial('20260610T100000Z-aaaa');
    const dead = partial('20260610T095000Z-bbbb');
    const store = dirStore('local', join(temp.dir, 'store'));
    const engineAsks: string[] = [];
    await recoverAll({
      store: () => ({ backups: createBackupStore(db, fakeClock('2026-06-10T10:01:00.000Z'), isAlive) }),
      settings: () => ({ stores: { local: { type: 'dir', path: join(temp.dir, 'store') } }, recipients: [] }),
      storeFor: () => store,
      // Only the dead backup's scratch objects are looked for: an engine that does not answer
      // leaves them for a later start, and the live backup's are never in question.
      engine: async () => {
        engineAsks.push('asked');
        throw new Error('the engine does not answer');
      },
    });
    expect([existsSync(live), existsSync(dead)]).toEqual([true, false]);
    expect(engineAsks).toEqual(['asked']);
  });
});
