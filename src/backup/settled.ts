import type { BackupView } from '../api/backups.js';

/** Backups a dead process left marked, by what their record now says happened to them. */
export interface Settled {
  /** Being taken: recorded as failed. */
  readonly failed: readonly string[];
  /** Being drilled: the drill recorded as failed (with `drillReason`); the backup itself is unchanged. */
  readonly drillsFailed: readonly string[];
  /** Only being read (the source of a restore): released, unchanged. */
  readonly released: readonly string[];
}

type Record = Pick<BackupView, 'id' | 'status'> & {
  readonly drill: { readonly status: string; readonly reason?: string };
};

/** Sorts what `interruptRunning` returned (records after it) into what it did to each backup. */
export function settled(records: readonly Record[], drillReason: string): Settled {
  const failed: string[] = [];
  const drillsFailed: string[] = [];
  const released: string[] = [];
  for (const r of records) {
    if (r.status === 'failed') failed.push(r.id);
    else if (r.drill.status === 'failed' && r.drill.reason === drillReason) drillsFailed.push(r.id);
    else released.push(r.id);
  }
  return { failed, drillsFailed, released };
}

/** The start log's line for them, naming each group with what was done to it. */
export function settledMessage(s: Settled, scratch: number): string {
  const parts = [
    s.failed.length > 0 ? `recorded as failed: ${s.failed.join(', ')}` : '',
    s.drillsFailed.length > 0 ? `drills recorded as failed: ${s.drillsFailed.join(', ')}` : '',
    s.released.length > 0
      ? `no longer marked in use (read by an interrupted restore; unchanged): ${s.released.join(', ')}`
      : '',
    scratch > 0 ? `${scratch} scratch objects removed` : '',
  ].filter((p) => p !== '');
  return `backups a previous process left: ${parts.join('; ') || 'none'}`;
}
