import type { Clock } from '../clock.js';
import type { AlertStore } from '../store/index.js';
import { dueReminders, nextReminderAt } from './lifecycle.js';
import { WakeableLoop } from './loop.js';

/** How long settled alerts and deliveries are kept. */
export const RETENTION_MS = 30 * 86_400_000;
const PRUNE_EVERY_MS = 86_400_000;

export interface ReminderDeps {
  readonly store: () => AlertStore;
  readonly clock: Clock;
  /** The channels configured now (reminders to others are skipped). */
  readonly configured: () => ReadonlySet<string>;
  /** Reminders were queued for these channels. */
  readonly queued: (channels: readonly string[]) => void;
  readonly onError: (error: unknown) => void;
}

/**
 * Queues the reminders of open alerts when they are due, on the clock, and prunes what is older
 * than the retention once a day. Reminder times live in the store, so a restart keeps the rhythm.
 */
export class Reminders {
  private readonly loop: WakeableLoop;
  private prunedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: ReminderDeps) {
    this.loop = new WakeableLoop(deps.clock, async () => this.pass(), deps.onError);
  }

  start(): void {
    this.loop.start();
  }

  /** An alert opened: its first reminder may be sooner than what the loop waits for. */
  wake(): void {
    this.loop.wake();
  }

  halt(): Promise<void> {
    return this.loop.halt();
  }

  /** Queues what is due; returns when the next reminder is. */
  pass(): number | undefined {
    const store = this.deps.store();
    const now = this.deps.clock.now().getTime();
    const configured = this.deps.configured();
    if (now - this.prunedAt >= PRUNE_EVERY_MS) {
      this.prunedAt = now;
      store.prune(new Date(now - RETENTION_MS).toISOString());
    }
    for (const alert of store.openAlerts()) {
      const due = dueReminders(alert, now, configured);
      if (due === undefined) continue;
      store.remind(alert.id, due.routes, due.deliveries);
      this.deps.queued(due.deliveries.map((d) => d.channel));
    }
    return nextReminderAt(store.openAlerts(), configured);
  }
}
