import type { Due } from '../jobs/scheduler.js';

/** How soon a scheduled backup or drill that found its stack busy (a deploy, restore, restart) is tried again. */
export const BUSY_RETRY_MS = 30_000;

/** What the backup scheduler does with one policy's backup or drill at a tick: start it now or not, and when to look again. */
export interface ScheduledPlan {
  readonly fire: boolean;
  /** Stored as the policy's next time: the schedule's next run, or the retry of a busy one. */
  readonly nextAt: Date;
}

/**
 * A due backup or drill whose stack is busy is neither run (the deploy may be replacing the
 * container a backup reads; a drill would compete with it for the engine and the disk) nor failed
 * nor skipped to the next period: it is tried again BUSY_RETRY_MS later, and so on until the stack
 * is free, unless the schedule's next run comes first (that run takes over). Pure.
 */
export function planScheduled(due: Pick<Due, 'run' | 'next'>, busy: boolean, now: Date): ScheduledPlan {
  if (!due.run || !busy) return { fire: due.run !== undefined, nextAt: due.next };
  return { fire: false, nextAt: retryAt(now, due.next) };
}

/** The retry of a backup or drill found busy at `now`: BUSY_RETRY_MS later, or the schedule's `next` if sooner. Pure. */
export function retryAt(now: Date, next: Date): Date {
  const retry = new Date(now.getTime() + BUSY_RETRY_MS);
  return retry < next ? retry : next;
}
