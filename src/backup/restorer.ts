import { randomBytes } from 'node:crypto';
import type { RestoreResult } from '../api/backups.js';
import type { Clock } from '../clock.js';
import type { LoadedStack } from '../compose/stack.js';
import type { Engine } from '../engine/model.js';
import type { BackupEntry } from './catalog.js';
import { BackupError } from './errors.js';
import { type Restorable, restore } from './restore.js';
import { kindsFit, targetKind } from './restore-needs.js';
import type { RestoreStep } from './restore-trace.js';
import type { BackupService } from './service.js';
import { DEFAULT_RETAIN } from './xberth.js';

export interface RestoreDeps {
  readonly engine: () => Promise<Engine>;
  readonly clock: Clock;
  readonly stacks: () => Promise<readonly LoadedStack[]>;
  /** Holds the stack's deploy lock while it runs (no deploy meanwhile, from here or another process). */
  readonly lock: <T>(stack: string, action: () => Promise<T>) => Promise<T>;
}

export interface RestoreRequest {
  readonly stack: string;
  readonly id: string;
  readonly service?: string;
  readonly intoStack?: string;
  readonly dryRun?: boolean;
  readonly signal?: AbortSignal;
  /** Each step; `data` records what a step changes (see restore-trace.ts). */
  readonly onProgress?: (message: string, data?: { readonly restore: RestoreStep }) => void;
}

/**
 * `berth backup restore`: checks the backup and its target (same kind, by its policy or else its
 * image; no backup of it running), holds the target stack's lock, marks the backup in use, and runs
 * the restore (the target's container and tools checked, in a dry run too; then safety backup
 * first, rollback to it on failure). The outcome is published as a `backup` event.
 */
export async function restoreBackup(
  backups: BackupService,
  deps: RestoreDeps,
  req: RestoreRequest,
): Promise<RestoreResult> {
  const record = backups.checkDrill(req.stack, req.id, 'restore');
  const targetStack = req.intoStack ?? req.stack;
  const targetService = req.service ?? record.service;
  const loaded = (await deps.stacks()).find((s) => s.name === targetStack);
  if (!loaded) {
    throw new BackupError(
      'BACKUP_NOT_FOUND',
      `no stack ${targetStack} in the workspace`,
      '`berth ps` lists the stacks; a stack whose files do not validate cannot be restored into',
    );
  }
  if (!loaded.model.services?.[targetService]) {
    throw new BackupError(
      'BACKUP_NOT_FOUND',
      `stack ${targetStack} has no service ${targetService}`,
      `services: ${Object.keys(loaded.model.services ?? {}).join(', ')}`,
    );
  }
  const policy = (await backups.entries(targetStack)).find((e) => e.service === targetService);
  const image = loaded.model.services?.[targetService]?.image;
  const kind = targetKind(policy?.kind, typeof image === 'string' ? image : undefined);
  if (kind && !kindsFit(record.kind, kind)) {
    throw new BackupError(
      'BACKUP_INTEGRITY',
      `backup ${req.id} is ${record.kind}; ${targetStack}/${targetService} is ${kind}`,
      'restore into a service of the same kind',
    );
  }
  // The safety backup follows the target's policy, or the backup's kind when the target has none.
  const target: BackupEntry = policy ?? {
    stack: targetStack,
    service: targetService,
    kind: record.kind,
    loaded,
    policy: {
      kind: record.kind,
      retain: DEFAULT_RETAIN,
      drill: undefined,
      stopDuring: false,
      config: false,
      ...(record.manifest.sourcePath && record.kind === 'sqlite' ? { path: record.manifest.sourcePath } : {}),
    },
  };
  // What the safety backup would refuse (no store, a backup of the target running) is refused now.
  backups.check({ ...target, kind: target.kind ?? record.kind });
  const identities = await backups.identities();
  const signal = req.signal ?? new AbortController().signal;
  await backups.ready();
  return deps.lock(targetStack, async () => {
    backups.use(req.id, 'restore');
    try {
      const result = await restore({
        engine: await deps.engine(),
        clock: deps.clock,
        identities,
        loaded,
        service: targetService,
        backup: {
          id: record.id,
          artifact: record.artifact,
          manifest: record.manifest,
          store: backups.storeFor(record.store),
        },
        safety: async (): Promise<Restorable> => {
          const safety = await backups.run(
            { ...target, kind: target.kind ?? record.kind },
            { trigger: 'safety', drill: false, signal },
          );
          if (!safety.manifest || !safety.artifact)
            throw new BackupError(
              'BACKUP_DUMP_FAILED',
              'the safety backup is incomplete',
              'nothing was changed',
            );
          return {
            id: safety.id,
            artifact: safety.artifact,
            manifest: safety.manifest,
            store: backups.storeFor(safety.store),
          };
        },
        id: randomBytes(4).toString('hex'),
        signal,
        ...(req.dryRun ? { dryRun: true } : {}),
        ...(req.onProgress ? { progress: req.onProgress } : {}),
      });
      if (result.outcome !== 'dry-run') {
        const where = `${targetStack}/${targetService}`;
        backups.publish(
          { ...record, stack: targetStack, service: targetService },
          result.outcome === 'restored' ? 'restored' : 'restore-rolled-back',
          result.outcome === 'restored'
            ? `backup ${req.id} restored into ${where} (safety backup ${result.safetyBackup})`
            : `restore of backup ${req.id} into ${where} failed (${result.reason}); the safety backup ${result.safetyBackup} was put back`,
        );
      }
      return result;
    } finally {
      backups.use(req.id, undefined);
    }
  });
}
