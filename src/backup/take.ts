import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describeFacts } from '../api/backup-facts.js';
import type { Manifest } from '../api/backups.js';
import type { Clock } from '../clock.js';
import type { Engine } from '../engine/model.js';
import { valueMasker } from '../secrets/mask.js';
import type { BackupRecord, BackupStore } from '../store/index.js';
import { writeArtifact } from './artifact.js';
import type { BackupEntry } from './catalog.js';
import { configFiles, configKey, writeConfigSet } from './config-set.js';
import { BackupError } from './errors.js';
import { startDump } from './kinds/index.js';
import type { BackupRequest } from './service-types.js';
import { StoreWriteError } from './stores/attribution.js';
import type { ArtifactStore } from './stores/types.js';
import type { BackupKind } from './xberth.js';

export interface TakeDeps {
  readonly engine: () => Promise<Engine>;
  readonly backups: BackupStore;
  readonly clock: Clock;
  readonly publish: (
    record: BackupRecord,
    type: string,
    text: string,
    data?: Record<string, unknown>,
  ) => void;
}

export interface TakeInput {
  readonly entry: BackupEntry;
  readonly kind: BackupKind;
  readonly store: ArtifactStore;
  readonly recipients: readonly string[];
  readonly request: BackupRequest;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** `20261204T181502Z-3fa9`: sorts by time, unique per service. */
export const newBackupId = (now: Date): string =>
  `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '')}-${randomBytes(2).toString('hex')}`;

/** Reports bytes and rate at most once a second (a live progress line, not a flood of events). */
function byteProgress(clock: Clock, started: Date, onProgress: BackupRequest['onProgress']) {
  if (!onProgress) return undefined;
  let last = started.getTime();
  return (bytes: number) => {
    const now = clock.now().getTime();
    if (now - last < 1_000) return;
    last = now;
    const rate = bytes / Math.max((now - started.getTime()) / 1000, 0.001);
    const mb = (n: number) => (n / 1_048_576).toFixed(1);
    onProgress(`${mb(bytes)} MiB dumped, ${mb(rate)} MiB/s`, { bytes, rate: Math.round(rate) });
  };
}

/**
 * Takes one backup: records it running, streams the dump into the store, writes the manifest last
 * and records it completed. On any failure the artifact and manifest are removed, the record says
 * why (secret values masked), and a coded error is thrown: nothing half-done is ever listed.
 */
export async function takeBackup(deps: TakeDeps, input: TakeInput): Promise<BackupRecord> {
  const { entry, kind, store, request: req } = input;
  const { clock, backups: db } = deps;
  const started = clock.now();
  const id = newBackupId(started);
  const record = db.begin({
    id,
    stack: entry.stack,
    service: entry.service,
    kind,
    store: store.name,
    trigger: req.trigger,
  });
  deps.publish(record, 'started', `backup of ${entry.stack}/${entry.service} started (${req.trigger})`, {
    trigger: req.trigger,
  });
  const mask = valueMasker([
    ...entry.loaded.sensitive.project,
    ...(entry.loaded.sensitive.services[entry.service] ?? []),
  ]);
  const signal = req.signal ?? new AbortController().signal;
  const base = `${entry.stack}/${entry.service}/${id}`;
  let artifact: string | undefined;
  try {
    const engine = await deps.engine();
    const { dump, container } = await startDump({
      engine,
      stack: entry.stack,
      service: entry.service,
      policy: entry.policy,
      kind,
      id,
      signal,
      ...(req.trigger === 'safety' ? { emptyIsFine: true } : {}),
    });
    try {
      artifact = `${base}.${dump.extension}${dump.compressed ? '' : '.gz'}.age`;
      req.onProgress?.(`dumping with ${dump.tool}`);
      const written = await writeArtifact({
        dump,
        recipients: input.recipients,
        store,
        key: artifact,
        signal,
        ...(req.onProgress ? { onBytes: byteProgress(clock, started, req.onProgress) } : {}),
      });
      const facts = await dump.finish();
      const config = entry.policy.config
        ? await writeConfigSet({
            files: configFiles(entry.loaded),
            recipients: input.recipients,
            store,
            key: configKey(base),
            signal,
          })
        : undefined;
      const finished = clock.now();
      const manifest: Manifest = {
        format: 1,
        id,
        stack: entry.stack,
        service: entry.service,
        kind,
        tool: dump.tool,
        ...(dump.server ? { server: dump.server } : {}),
        image: container.image,
        imageId: container.imageId,
        ...(dump.sourcePath ? { sourcePath: dump.sourcePath } : {}),
        ...(dump.volumes ? { volumes: [...dump.volumes] } : {}),
        startedAt: started.toISOString(),
        finishedAt: finished.toISOString(),
        artifact: {
          file: artifact.split('/').pop() ?? artifact,
          compression: written.compression,
          encryption: 'age',
          recipients: [...input.recipients],
          size: written.size,
          sha256: written.sha256,
          plainSize: written.plainSize,
        },
        facts,
        ...(config ? { config } : {}),
        timings: { totalMs: finished.getTime() - started.getTime() },
      };
      // The manifest goes last: an artifact without one is not a backup.
      await store.write(
        `${base}.manifest.json`,
        Readable.from([`${JSON.stringify(manifest, null, 2)}\n`]),
        signal,
      );
      const done = db.complete(id, { artifact, manifest });
      deps.publish(
        done,
        'completed',
        `backup ${id} of ${entry.stack}/${entry.service}: ${describeFacts(facts)}, ${written.size} bytes stored`,
        {
          size: written.size,
        },
      );
      return done;
    } finally {
      await dump.close?.();
    }
  } catch (error: unknown) {
    if (artifact) await store.remove(artifact).catch(() => undefined);
    await store.remove(configKey(base)).catch(() => undefined);
    await store.remove(`${base}.manifest.json`).catch(() => undefined);
    // A coded error says what failed; the store says when it failed itself (a full disk, an S3
    // endpoint gone: StoreWriteError); anything else failed on the way (the dump's stream, gzip, age).
    const inStore = error instanceof StoreWriteError;
    const reason =
      error instanceof BackupError
        ? mask(message(error))
        : inStore
          ? `the store ${store.name} at ${store.where} failed to keep it: ${mask(message(error))}`
          : `${mask(message(error))} (while streaming to the store ${store.name} at ${store.where})`;
    const failed = db.fail(id, reason);
    // Its trigger says who tells it: a pre-deploy or safety backup's failure fails the deploy or
    // restore that took it, whose own alert says so (alerts/classify.ts).
    deps.publish(failed, 'failed', `backup of ${entry.stack}/${entry.service} failed: ${reason}`, {
      trigger: req.trigger,
    });
    if (error instanceof BackupError) throw new BackupError(error.code, mask(error.message), error.hint);
    const kept =
      'nothing was kept (a partial upload is cleaned up at the next start); the previous backups are intact';
    throw inStore
      ? new BackupError(
          'BACKUP_STORE_FAILED',
          reason,
          `${kept}. Make room in the store ${store.name} (or fix its permissions, endpoint or credentials), then run the backup again`,
        )
      : new BackupError(
          'BACKUP_DUMP_FAILED',
          reason,
          `${kept}. Check the service's log and the tool's error above, then run the backup again`,
        );
  }
}
