import type { Clock } from '../clock.js';
import type { EventPublisher } from '../events/hub.js';
import { TickLoop } from '../jobs/loop.js';
import { describeSchedule } from '../jobs/schedule.js';
import { decide, isOverdue, type Timing } from '../jobs/scheduler.js';
import type { Store } from '../store/index.js';
import type { BackupEntry } from './catalog.js';
import { isBackupError } from './errors.js';
import { planScheduled, retryAt } from './schedule-busy.js';
import type { BackupService } from './service.js';

export interface BackupSchedulerDeps {
  readonly backups: Pick<BackupService, 'entries' | 'run' | 'drill' | 'list'>;
  /** `locks`: a due backup or drill of a stack whose lock a live process holds waits (schedule-busy.ts). */
  readonly store: () => Pick<Store, 'jobState' | 'backups' | 'locks'>;
  readonly clock: Clock;
  readonly events: () => EventPublisher;
  readonly logger?: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

/** The reserved names a policy's schedules are kept under in job_state (job names cannot start with @). */
const BACKUP = '@backup';
const DRILL = '@drill';

/**
 * Runs backup policies on their schedules, and drills on theirs, with the jobs scheduler's timing
 * rules (decide, isOverdue): a restart neither repeats nor loses a backup, and backups missed while
 * Berth was down are taken once at start. A service without a successful backup for twice its
 * period gets a `backup` `missed` event. A backup or drill due while its stack is busy (a deploy, a
 * restore, a down) is tried again shortly after, until the stack is free (schedule-busy.ts): not
 * failed, not skipped, not run beside it.
 */
export class BackupScheduler {
  private readonly loop: TickLoop;

  constructor(private readonly deps: BackupSchedulerDeps) {
    this.loop = new TickLoop(
      deps.clock,
      () => this.tick(),
      (error) => deps.logger?.error({ err: error }, 'the backup scheduler could not look at its policies'),
    );
  }

  start(): void {
    this.loop.start();
  }

  /** Looks at every policy once (tests; the loop calls it). Returns when to look again. */
  async tick(): Promise<Date | undefined> {
    const now = this.deps.clock.now();
    let soonest: Date | undefined;
    const sooner = (d: Date) => {
      if (!soonest || d < soonest) soonest = d;
    };
    for (const entry of await this.deps.backups.entries()) {
      try {
        if (entry.policy.schedule)
          sooner(this.consider(entry, BACKUP, { schedule: entry.policy.schedule, catchup: true }, now));
        const drill = entry.policy.drill;
        if (drill && drill !== 'after-each') sooner(this.consider(entry, DRILL, { schedule: drill }, now));
      } catch (error: unknown) {
        this.deps.logger?.error(
          { err: error, service: `${entry.stack}/${entry.service}` },
          'the backup scheduler could not look at a policy',
        );
        sooner(new Date(now.getTime() + 5_000));
      }
    }
    return soonest;
  }

  private consider(entry: BackupEntry, name: string, timing: Timing, now: Date): Date {
    const store = this.deps.store();
    const key = { stack: entry.stack, service: entry.service, job: name };
    const state = store.jobState.get(key);
    const due = decide(timing, state, now);
    const holder = due.run ? store.locks.liveHolder(entry.stack) : undefined;
    const plan = planScheduled(due, holder !== undefined, now);
    store.jobState.schedule(key, {
      schedule: describeSchedule(timing.schedule),
      anchorAt: due.reset || !state ? now : state.anchorAt,
      nextAt: plan.nextAt,
    });
    if (holder) this.waits(entry, name, plan.nextAt, holder.deploymentId);
    if (plan.fire) this.fire(entry, name);
    const current = store.jobState.get(key);
    if (name === BACKUP && current && isOverdue(timing, current, now)) {
      store.jobState.overdue(key, now);
      this.publish(
        entry,
        'missed',
        `${entry.stack}/${entry.service} has had no successful backup for more than twice its period`,
      );
    }
    return plan.nextAt;
  }

  /** The log line of a backup or drill that waits for its busy stack (no event: nothing failed). */
  private waits(entry: BackupEntry, name: string, at: Date, deployment: number | undefined): void {
    this.deps.logger?.warn(
      { service: `${entry.stack}/${entry.service}`, retryAt: at.toISOString(), deployment },
      `a scheduled ${name === BACKUP ? 'backup' : 'drill'} waits: its stack is busy (deploy, restore, restart, down); tried again then`,
    );
  }

  /** A backup refused as busy after all (the lock was taken since the tick looked): tried again soon. */
  private deferBusy(entry: BackupEntry): void {
    const store = this.deps.store();
    const key = { stack: entry.stack, service: entry.service, job: BACKUP };
    const state = store.jobState.get(key);
    if (!state) return;
    const at = retryAt(this.deps.clock.now(), state.nextAt);
    store.jobState.schedule(key, { schedule: state.schedule, anchorAt: state.anchorAt, nextAt: at });
    this.waits(entry, BACKUP, at, undefined);
  }

  private fire(entry: BackupEntry, name: string): void {
    const { backups } = this.deps;
    const signal = this.loop.runs;
    const work = async () => {
      if (name === BACKUP) {
        const record = await backups.run(entry, { trigger: 'schedule', signal });
        if (record.status === 'completed') {
          this.deps
            .store()
            .jobState.succeeded(
              { stack: entry.stack, service: entry.service, job: BACKUP },
              this.deps.clock.now(),
            );
        }
        return;
      }
      const newest = backups
        .list(entry.stack, { service: entry.service })
        .find((b) => b.status === 'completed');
      if (newest) await backups.drill(entry.stack, newest.id, { signal });
    };
    const run = work().catch((error: unknown) => {
      if (name === BACKUP && isBackupError(error) && error.code === 'BACKUP_STACK_BUSY') {
        this.deferBusy(entry);
        return;
      }
      // The failure is recorded on the backup and published; the log says which policy.
      this.deps.logger?.error(
        { err: error, service: `${entry.stack}/${entry.service}`, what: name },
        'a scheduled backup failed',
      );
    });
    this.loop.track(run);
  }

  private publish(entry: BackupEntry, type: string, message: string): void {
    try {
      this.deps
        .events()
        .publish({ kind: 'backup', type, stack: entry.stack, service: entry.service, message });
    } catch (error: unknown) {
      this.deps.logger?.warn({ err: error }, 'a backup event could not be stored');
    }
  }

  /** Stops scheduling; running backups get `graceMs`, then are stopped (recorded as failed). */
  async drain(graceMs: number): Promise<void> {
    await this.loop.drain(graceMs);
  }
}
