import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TEST_RECIPIENT } from '../../test/support/backup-fixtures.js';
import { writeTree } from '../../test/support/tree.js';
import { builtinXBerthRegistry } from '../app/registry.js';
import { workspaceLoads } from '../compose/workspace-source.js';
import { EngineError } from '../engine/model.js';
import { openMemoryStore, processIsAlive, type Store } from '../store/index.js';
import { isBackupError } from './errors.js';
import { BackupService } from './service.js';

// A manual or scheduled backup of a stack whose lock a live process holds (a deploy replacing the
// container) is refused up front: busy, not failed. The lock is the store's, its holder's liveness
// probed by pid as `berth serve` does. The engine is "down": a backup that was not refused fails on it.

const COMPOSE = `services:
  db:
    image: mariadb:11.4
    x-berth:
      backup: {}
`;

let store: Store;
let backups: BackupService;
const events: Array<{ type: string }> = [];

beforeEach(async () => {
  const root = await writeTree({ 'shop/compose.yaml': COMPOSE });
  const now = new Date('2026-06-10T03:00:00Z');
  store = openMemoryStore({ now: () => now }, processIsAlive);
  events.length = 0;
  const workspace = workspaceLoads(root, { env: {}, registry: builtinXBerthRegistry() });
  backups = new BackupService({
    engine: async () => {
      throw new EngineError('ENGINE_UNAVAILABLE', 'no engine here', { hint: 'start one' });
    },
    store: () => store,
    clock: { now: () => now, sleep: async () => {} },
    events: () => ({ publish: (e: { type: string }) => events.push(e) }) as never,
    stacks: async () => (await workspace()).stacks,
    settings: () => ({
      stores: { local: { type: 'dir', path: `${root}/backups` } },
      recipients: [TEST_RECIPIENT],
    }),
  });
});
afterEach(() => store.close());

async function outcome(work: Promise<unknown>) {
  const error = await work.then(
    () => new Error('expected an error'),
    (e: unknown) => e,
  );
  if (!isBackupError(error)) throw error;
  return error;
}

/** A pid that ran and has exited: a holder that is gone. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid;
}

describe('a backup of a busy stack', () => {
  it('is refused with BACKUP_STACK_BUSY naming the deploy that holds the lock; nothing recorded, no event', async () => {
    const deployment = store.deployments.create({ stack: 'shop', trigger: 'api', plan: {} });
    const owner = { pid: process.pid, host: hostname(), token: 'deploy-token' };
    expect(store.locks.acquire('shop', { owner, deploymentId: deployment.id }).ok).toBe(true);
    const entry = await backups.find('shop', 'db');
    for (const trigger of ['manual', 'schedule'] as const) {
      const error = await outcome(backups.run(entry, { trigger }));
      expect(error.code).toBe('BACKUP_STACK_BUSY');
      expect(error.message).toMatch(
        new RegExp(
          `^shop/db was not backed up: shop is busy .*held by deployment ${deployment.id} \\(pid ${process.pid} on `,
        ),
      );
      expect(error.hint).toMatch(trigger === 'manual' ? /run the backup again once/ : /tried again shortly/);
    }
    expect(() => backups.check(entry, 'manual')).toThrow(/is busy/);
    expect(store.backups.list({ stack: 'shop' })).toEqual([]);
    expect(events).toEqual([]);
  });

  it('is not refused for a pre-deploy backup (it runs inside the deploy that holds the lock)', async () => {
    store.locks.acquire('shop', { owner: { pid: process.pid, host: hostname(), token: 't' } });
    const entry = await backups.find('shop', 'db');
    const error = await outcome(backups.run(entry, { trigger: 'pre-deploy', drill: false }));
    expect(error.code).toBe('BACKUP_DUMP_FAILED');
  });

  it('is not refused when the holder of the lock is gone', async () => {
    store.locks.acquire('shop', { owner: { pid: deadPid(), host: hostname(), token: 't' } });
    const error = await outcome(backups.run(await backups.find('shop', 'db'), { trigger: 'manual' }));
    expect(error.code).toBe('BACKUP_DUMP_FAILED');
    expect(error.message).toMatch(/no engine here/);
  });
});
