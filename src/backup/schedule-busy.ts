import type { Due } from '../jobs/scheduler.js';

/** How soon a scheduled backup that found its stack busy (a deploy, restore, restart) is tried again. */
export const BUSY_RETRY_MS = 30_000;

/** What the backup scheduler does with one policy at a tick: start it now or not, and when to look again. */
export interface BackupPlan {
  readonly fire: boolean;
  /** Stored as the policy's next time: the schedule's next run, or the retry of a busy one. */
  readonly nextAt: Date;
}

/**
 * A due backup whose stack is busy is neither taken (the deploy may be replacing its container) nor
 * failed nor skipped to the next period: it is tried again BUSY_RETRY_MS later, and so on until the
 * stack is free, unless the schedule's next run comes first (that run takes over). Pure.
 */
export function planBackup(due: Pick<Due, 'run' | 'next'>, busy: boolean, now: Date): BackupPlan {
  if (!due.run || !busy) return { fire: due.run !== undefined, nextAt: due.next };
  return { fire: false, nextAt: retryAt(now, due.next) };
}

/** The retry of a backup found busy at `now`: BUSY_RETRY_MS later, or the schedule's `next` if sooner. Pure. */
export function retryAt(now: Date, next: Date): Date {
  const retry = new Date(now.getTime() + BUSY_RETRY_MS);
  return retry < next ? retry : next;
}
