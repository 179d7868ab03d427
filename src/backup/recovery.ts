import type { BackupSettings } from '../config/backup-settings.js';
import type { Engine } from '../engine/model.js';
import type { BackupRecord, Store } from '../store/index.js';
import { isTaskOf, removeLeftovers } from './leftovers.js';
import { settled, settledMessage } from './settled.js';
import { removeSnapshots } from './snapshot-leftovers.js';
import type { ArtifactStore } from './stores/types.js';

export interface RecoveryPorts {
  readonly store: () => Pick<Store, 'backups'>;
  readonly settings: () => BackupSettings | undefined;
  readonly storeFor: (name: string) => ArtifactStore;
  readonly engine: () => Promise<Engine>;
  readonly logger?: { warn(obj: object, msg?: string): void };
}

/** The reason an interrupted drill is recorded with. */
export const DRILL_INTERRUPTED = 'Berth stopped during the drill: it proves nothing either way, drill again';

/**
 * Backups and drills that a process which is gone left running are recorded as failed, and the
 * files of its unfinished backups removed. Work of a live process is left be, so `berth --local`
 * can call this beside a running `berth serve`.
 */
export async function settleStale(ports: RecoveryPorts): Promise<BackupRecord[]> {
  const interrupted = ports
    .store()
    .backups.interruptRunning('Berth stopped during the backup', DRILL_INTERRUPTED);
  const unfinished = interrupted.filter((r) => r.status === 'failed' && !r.manifest);
  if (unfinished.length > 0 && ports.settings()) {
    for (const record of unfinished) {
      const store = ports.storeFor(record.store);
      for (const key of await store.list(`${record.stack}/${record.service}`)) {
        if (key.split('/').pop()?.startsWith(`${record.id}.`)) await store.remove(key);
      }
    }
  }
  // The snapshots sqlite backups left in their service's container (best effort, logged).
  await removeSnapshots(ports.engine, interrupted, ports.logger);
  if (interrupted.length > 0) {
    // The scratch containers, networks and volumes of those backups and drills: their owner is gone.
    // An engine that does not answer leaves them for the server's next start, which removes them all.
    const removed = await ports
      .engine()
      .then((engine) => removeLeftovers(engine, (task) => interrupted.some((r) => isTaskOf(task, r.id))))
      .catch((error: unknown) => {
        ports.logger?.warn(
          { err: error },
          'the scratch objects of interrupted backups could not be removed now',
        );
        return 0;
      });
    if (removed > 0) {
      ports.logger?.warn(
        { backups: interrupted.map((r) => r.id), scratch: removed },
        'scratch objects of interrupted backups and drills removed',
      );
    }
  }
  return interrupted;
}

/**
 * At the server's start: what `settleStale` does, then every store's partial files but those of
 * backups a live process is taking (`berth --local backup run` beside it), and every scratch
 * container and volume of drills and helpers, unless a live process runs backup work: they carry
 * no owner, so they are left for a later start rather than pulled from under it.
 */
export async function recoverAll(ports: RecoveryPorts): Promise<void> {
  const interrupted = await settleStale(ports);
  const live = ports.store().backups.liveIds();
  const writing = (key: string) => live.some((id) => (key.split('/').pop() ?? '').startsWith(`${id}.`));
  const settings = ports.settings();
  if (settings) {
    for (const name of Object.keys(settings.stores)) await ports.storeFor(name).cleanPartials(writing);
  }
  const removed = live.length > 0 ? 0 : await removeLeftovers(await ports.engine());
  if (interrupted.length > 0 || removed > 0) {
    // A restore's source backup is only released, not failed: the log says which is which.
    const sorted = settled(interrupted, DRILL_INTERRUPTED);
    ports.logger?.warn({ ...sorted, scratch: removed }, settledMessage(sorted, removed));
  }
}
