import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { completeAlphaDbBackup } from '../../test/support/backup-fixtures.js';
import { makeTempDir } from '../../test/support/store.js';
import { builtinXBerthRegistry } from '../app/registry.js';
import { type ManualClock, manualClock } from '../clock.js';
import { loadWorkspace } from '../compose/stack.js';
import { EventHub } from '../events/hub.js';
import { openStore, type Store } from '../store/index.js';
import { backupEntries } from './catalog.js';
import { BUSY_RETRY_MS } from './schedule-busy.js';
import { BackupScheduler } from './scheduler.js';

// A scheduled drill whose stack is busy (a deploy, restore or down holding its lock) waits as a
// scheduled backup does: it is tried again shortly, and runs once the stack is free; never beside it.

const COMPOSE = `services:
  db:
    image: local/busybox:1
    volumes: [data:/srv]
    x-berth:
      backup: { kind: volume, drill: "@hourly" }
volumes:
  data: {}
`;

let temp: ReturnType<typeof makeTempDir>;
let clock: ManualClock;
let store: Store;

beforeEach(() => {
  temp = makeTempDir('berth-backup-scheduler-');
  clock = manualClock(new Date('2026-12-07T21:59:00.000Z'));
  store = openStore({ path: join(temp.dir, 'berth.db'), clock, isAlive: () => true });
});
afterEach(() => {
  store.close();
  temp.cleanup();
});

async function scheduler(drilled: string[]) {
  writeFileSync(join(temp.dir, 'compose.yaml'), COMPOSE);
  const loaded = await loadWorkspace(temp.dir, {
    env: { COMPOSE_PROJECT_NAME: 'alpha' },
    registry: builtinXBerthRegistry(),
  });
  const entries = backupEntries(loaded.stacks);
  expect(entries.map((e) => `${e.stack}/${e.service}`)).toEqual(['alpha/db']);
  const hub = new EventHub(store.events);
  return new BackupScheduler({
    backups: {
      entries: async () => entries,
      run: async () => {
        throw new Error('no backup is scheduled here');
      },
      drill: async (_stack, id) => {
        drilled.push(id);
        const record = store.backups.get(id);
        if (!record) throw new Error(`no backup ${id}`);
        return record;
      },
      list: (stack, filter) => store.backups.list({ stack, ...filter }),
    },
    store: () => store,
    clock,
    events: () => hub,
  });
}

describe('a scheduled drill of a busy stack', () => {
  it('waits while a deploy holds the stack’s lock, and runs once it is free', async () => {
    completeAlphaDbBackup(store, 'b-1', '2026-12-07T20:00:00.000Z');
    const drilled: string[] = [];
    const s = await scheduler(drilled);
    await s.tick();
    // The first run is at the next full hour; the stack is busy then.
    await clock.advance(60_000);
    const owner = { pid: process.pid, host: hostname(), token: 'deploy-token' };
    expect(store.locks.acquire('alpha', { owner }).ok).toBe(true);
    const retry = await s.tick();
    await Promise.resolve();
    expect(drilled).toEqual([]);
    expect(retry).toEqual(new Date(clock.now().getTime() + BUSY_RETRY_MS));

    // Still busy at the retry: it waits again, not skipped to the next hour.
    await clock.advance(BUSY_RETRY_MS);
    await s.tick();
    expect(drilled).toEqual([]);

    store.locks.release('alpha', owner.token);
    await clock.advance(BUSY_RETRY_MS);
    await s.tick();
    await s.drain(1000);
    expect(drilled).toEqual(['b-1']);
  });
});
