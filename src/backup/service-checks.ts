import type { BackupTrigger, Manifest } from '../api/backups.js';
import type { BackupSettings } from '../config/backup-settings.js';
import type { BackupRecord, LockHolder } from '../store/index.js';
import type { BackupEntry } from './catalog.js';
import { BackupError } from './errors.js';
import type { ArtifactStore } from './stores/types.js';
import type { BackupKind } from './xberth.js';

// What BackupService refuses before a backup, drill or restore starts.

/**
 * The refusal of a service without a backup policy; `services`: the stack's, when it is loaded. A
 * service the stack does not have is a typo, not a service to give a policy: it says which exist.
 */
export function noPolicy(
  stack: string,
  service: string,
  services: readonly string[] | undefined,
): BackupError {
  const sorted = [...(services ?? [])].sort();
  if (services && !sorted.includes(service)) {
    return new BackupError(
      'BACKUP_NO_POLICY',
      `stack ${stack} has no service ${service}; nothing was backed up`,
      `its services: ${sorted.join(', ') || 'none'}; \`berth backup list ${stack}\` shows the ones with a backup policy`,
    );
  }
  return new BackupError(
    'BACKUP_NO_POLICY',
    `${stack}/${service} has no backup policy`,
    'add `x-berth: { backup: { kind: … } }` to the service; `berth backup list STACK` shows the services that have one',
  );
}

/**
 * Refuses, before anything starts, a backup that cannot run: no kind, no store, one running (the
 * settings are checked by the caller, first).
 */
export function checkBackup(
  entry: BackupEntry,
  settings: BackupSettings,
  storeFor: (name: string | undefined) => ArtifactStore,
  busy: ReadonlySet<string>,
): { kind: BackupKind; store: ArtifactStore; settings: BackupSettings } {
  const { kind } = entry;
  if (!kind) {
    throw new BackupError(
      'BACKUP_KIND_UNKNOWN',
      `the image of ${entry.stack}/${entry.service} does not say what it holds`,
      'set `kind:` (mariadb, mysql, postgres, sqlite, redis or volume) in the backup policy',
    );
  }
  const store = storeFor(entry.policy.store);
  const key = `${entry.stack}/${entry.service}`;
  if (busy.has(key)) {
    throw new BackupError(
      'BACKUP_RUNNING',
      `a backup of ${key} is running`,
      'wait for it to finish: `berth backup list` shows it',
    );
  }
  return { kind, store, settings };
}

/** Who holds a stack's lock, in words: `deployment 10 (pid 4242 on web1, since …)`. Pure. */
export function holderText(holder: LockHolder): string {
  const who = `pid ${holder.owner.pid} on ${holder.owner.host}, since ${holder.since}`;
  return holder.deploymentId === undefined ? who : `deployment ${holder.deploymentId} (${who})`;
}

/**
 * Refuses a manual or scheduled backup while a live process holds the stack's lock (a deploy may be
 * replacing the container, a restore putting data back): the answer is "busy, try again", not a
 * failed backup. Pre-deploy and safety backups run inside the lock holder itself and are never
 * refused here. Pure: `holder` is the lock's live holder, looked up by the caller.
 */
export function checkStackFree(
  entry: Pick<BackupEntry, 'stack' | 'service'>,
  trigger: BackupTrigger,
  holder: LockHolder | undefined,
): void {
  if (holder === undefined || trigger === 'pre-deploy' || trigger === 'safety') return;
  throw new BackupError(
    'BACKUP_STACK_BUSY',
    `${entry.stack}/${entry.service} was not backed up: ${entry.stack} is busy with a deploy, restart, down or restore, held by ${holderText(holder)}`,
    trigger === 'schedule'
      ? 'the scheduled backup is tried again shortly, by itself'
      : `run the backup again once that has finished (\`berth ps ${entry.stack}\` and the operations list show it)`,
  );
}

/**
 * Refuses a drill (or restore) of a found backup that cannot run: an incomplete backup, no identity,
 * one in use (the settings and the backup are looked up by the caller, first).
 */
export function checkDrillable(
  settings: BackupSettings,
  record: BackupRecord,
  id: string,
  what: 'drill' | 'restore',
): BackupRecord & { artifact: string; manifest: Manifest } {
  const { artifact, manifest } = record;
  if (record.status !== 'completed' || !manifest || !artifact) {
    throw new BackupError(
      'BACKUP_NOT_DRILLABLE',
      `backup ${id} of ${record.stack}/${record.service} is ${record.status}: only a completed backup can be ${what === 'drill' ? 'drilled' : 'restored'}`,
      `pick a completed one: \`berth backup list ${record.stack} --service ${record.service}\` shows them`,
    );
  }
  if (!settings.identityFile) {
    throw new BackupError(
      'BACKUP_NOT_CONFIGURED',
      `${what === 'drill' ? 'drills' : 'restores'} need the age identity to decrypt`,
      'set `backup.identity` in the config file to the key file (kept outside every store)',
    );
  }
  if (record.inUse) {
    throw new BackupError(
      'BACKUP_RUNNING',
      `backup ${id} is in use by a ${record.inUse}`,
      'wait for it to finish',
    );
  }
  return { ...record, artifact, manifest };
}
