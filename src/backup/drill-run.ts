import { randomBytes } from 'node:crypto';
import type { Manifest } from '../api/backups.js';
import type { Clock } from '../clock.js';
import type { LoadedStack } from '../compose/stack.js';
import type { Engine } from '../engine/model.js';
import type { BackupRecord, BackupStore } from '../store/index.js';
import { drillIdFor } from './leftovers.js';
import type { BackupRequest } from './service-types.js';
import type { ArtifactStore } from './stores/types.js';
import type { TakeDeps } from './take.js';

export interface DrillRunDeps {
  readonly engine: () => Promise<Engine>;
  readonly backups: BackupStore;
  readonly clock: Clock;
  readonly stacks: () => Promise<readonly LoadedStack[]>;
  /** The cleanup after a previous process; the drill waits for it. */
  readonly recovering: Promise<void>;
  /** The private keys that open the artifacts. */
  readonly identities: () => Promise<string[]>;
  readonly storeFor: (name: string | undefined) => ArtifactStore;
  readonly publish: TakeDeps['publish'];
  /** Tells the listeners about a drill that ended; returns the record. */
  readonly finished: (record: BackupRecord) => BackupRecord;
}

export interface DrillTarget {
  readonly stack: string;
  readonly id: string;
  /** The backup, checked drillable (BackupService.checkDrill). */
  readonly record: BackupRecord & { artifact: string; manifest: Manifest };
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Restores a backup into scratch containers and compares what comes back with its manifest (see
 * drill.ts), marking the backup in use meanwhile and recording and publishing the outcome.
 */
export async function drillBackup(
  deps: DrillRunDeps,
  { stack, id, record }: DrillTarget,
  req: Pick<BackupRequest, 'signal' | 'onProgress'>,
): Promise<BackupRecord> {
  const db = deps.backups;
  await deps.recovering.catch(() => undefined);
  const identities = await deps.identities();
  const [{ desiredState }, { drill }] = await Promise.all([
    import('../deploy/desired.js'),
    import('./drill.js'),
  ]);
  const loaded = (await deps.stacks()).find((s) => s.name === stack);
  const spec = loaded
    ? desiredState(loaded, { imageIds: new Map(), installCompleted: () => true }).services[record.service]
        ?.replicas[0]?.spec
    : undefined;
  const started = deps.clock.now();
  db.use(id, 'drill');
  db.drillStarted(id);
  deps.publish(record, 'drill-started', `drill of backup ${id} started`);
  try {
    const result = await drill({
      engine: await deps.engine(),
      store: deps.storeFor(record.store),
      identities,
      backup: { id, artifact: record.artifact ?? '', manifest: record.manifest as Manifest },
      spec,
      drillId: drillIdFor(id, randomBytes(2).toString('hex')),
      signal: req.signal ?? new AbortController().signal,
      ...(req.onProgress ? { progress: (step: string) => req.onProgress?.(step) } : {}),
    });
    const durationMs = deps.clock.now().getTime() - started.getTime();
    const done = db.drillFinished(id, {
      passed: result.passed,
      durationMs,
      ...(result.reason ? { reason: result.reason } : {}),
    });
    if (result.passed)
      deps.publish(done, 'drill-passed', `drill of backup ${id} passed: ${result.checks.join(', ')}`);
    else deps.publish(done, 'drill-failed', `drill of backup ${id} failed: ${result.reason ?? 'unknown'}`);
    return deps.finished(done);
  } catch (error: unknown) {
    const durationMs = deps.clock.now().getTime() - started.getTime();
    const done = db.drillFinished(id, { passed: false, durationMs, reason: message(error) });
    deps.publish(done, 'drill-failed', `drill of backup ${id} failed: ${message(error)}`);
    return deps.finished(done);
  } finally {
    db.use(id, undefined);
  }
}
