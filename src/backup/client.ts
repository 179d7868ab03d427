import type { BackupView, PruneResult, RestoreResult, StackBackups } from '../api/backups.js';

/** What the CLI asks of backups, in-process (`--local`) or through the API: the same answers either way. */
export interface BackupOperations {
  backupList(stack: string, filter?: { service?: string; limit?: number }): Promise<StackBackups>;
  backupShow(stack: string, id: string): Promise<BackupView>;
  /**
   * Backs a service up now (and drills it when its policy says after-each), showing progress.
   * Aborting `signal` stops one made in-process; one made by the server goes on there.
   */
  backupRun(
    stack: string,
    service: string,
    onProgress?: (message: string) => void,
    signal?: AbortSignal,
  ): Promise<BackupView>;
  backupDrill(
    stack: string,
    id: string,
    onProgress?: (message: string) => void,
    signal?: AbortSignal,
  ): Promise<BackupView>;
  backupPrune(stack: string, options: { service?: string; dryRun: boolean }): Promise<PruneResult>;
  backupRestore(
    stack: string,
    id: string,
    options: { service?: string; intoStack?: string; dryRun: boolean },
    onProgress?: (message: string) => void,
    signal?: AbortSignal,
  ): Promise<RestoreResult>;
}
