/** A missing dump tool, an unreadable database, a failed command: what failed and what to do. */
export class BackupError extends Error {
  override readonly name = 'BackupError';
  constructor(
    readonly code: BackupErrorCode,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** Stable codes of the backup capability; the HTTP edge maps them to statuses. Never rename one. */
export type BackupErrorCode =
  | 'BACKUP_TOOL_MISSING'
  | 'BACKUP_DUMP_FAILED'
  /** The store failed to keep what was written: a full disk, no permission, an S3 endpoint gone. */
  | 'BACKUP_STORE_FAILED'
  | 'BACKUP_NO_POLICY'
  | 'BACKUP_NOT_CONFIGURED'
  | 'BACKUP_KIND_UNKNOWN'
  | 'BACKUP_NOT_RUNNING'
  | 'BACKUP_RUNNING'
  | 'BACKUP_NOT_FOUND'
  /** The backup exists but is not completed (failed, running): there is nothing to drill or restore. */
  | 'BACKUP_NOT_DRILLABLE'
  /** The backup is fine; the restore's target does not fit it (no such folder, volumes not mounted). */
  | 'BACKUP_TARGET_MISMATCH'
  /** Something else holds the stack's lock (a deploy, a restore, a restart): try again after it. */
  | 'BACKUP_STACK_BUSY'
  | 'BACKUP_INTEGRITY';

export const isBackupError = (error: unknown): error is BackupError => error instanceof BackupError;
