import type { Manifest } from '../api/backups.js';
import type { BackupSettings } from '../config/backup-settings.js';
import type { BackupRecord } from '../store/index.js';
import type { BackupEntry } from './catalog.js';
import { BackupError } from './errors.js';
import type { ArtifactStore } from './stores/types.js';
import type { BackupKind } from './xberth.js';

// What BackupService refuses before a backup, drill or restore starts.

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
      'BACKUP_NOT_FOUND',
      `backup ${id} is ${record.status}: only a completed backup can be ${what === 'drill' ? 'drilled' : 'restored'}`,
      '`berth backup list` shows the completed ones',
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
