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
  | 'BACKUP_INTEGRITY';

export const isBackupError = (error: unknown): error is BackupError => error instanceof BackupError;
