import type { Clock } from '../clock.js';
import type { Engine } from '../engine/model.js';
import type { EventPublisher } from '../events/hub.js';
import type { JobState } from '../store/index.js';
import { type JobEntry, keyText } from './catalog.js';
import { TickLoop } from './loop.js';
import { type JobStores, publishJobEvent } from './run-book.js';
import { describeSchedule, nextRun, periodAt, runsBetween, type Schedule } from './schedule.js';
import type { JobService } from './service.js';

/** A run found this late was missed (Berth was down, or the machine slept), not merely started late. */
export const MISSED_AFTER_MS = 60_000;
/** After a job could not be looked at, how soon to look again. */
const RETRY_AFTER_ERROR_MS = 5_000;

export interface SchedulerDeps {
  readonly jobs: JobService;
  /** For ending what a stopped Berth left running. */
  readonly engine: () => Promise<Engine>;
  readonly store: () => JobStores;
  readonly clock: Clock;
  readonly events: () => EventPublisher;
  readonly logger?: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
}

/** When something scheduled runs: a job's definition, a backup policy's schedule. */
export interface Timing {
  readonly schedule: Schedule;
  /** Runs missed while Berth was down run once at start. */
  readonly catchup?: boolean;
}

/** What a tick decided for one job (pure): what to record and run, and the next time it is due. */
export interface Due {
  readonly run?: { readonly trigger: 'schedule' | 'catchup'; readonly scheduledAt: Date };
  readonly missed?: {
    readonly count: number;
    readonly more: boolean;
    readonly first: Date;
    readonly last: Date;
  };
  readonly next: Date;
  /** The schedule was new or changed: times start over from now, nothing counts as missed. */
  readonly reset: boolean;
}

/**
 * The decision for one job at `now`, from where the scheduler was (`state`). Pure. A run due less
 * than MISSED_AFTER_MS ago starts now; runs due longer ago were missed: they are recorded as one
 * gap, and `catchup` runs the job once for all of them.
 */
export function decide(timing: Timing, state: JobState | undefined, now: Date): Due {
  const { schedule } = timing;
  const key = describeSchedule(schedule);
  if (!state || state.schedule !== key) {
    return { next: nextRun(schedule, now, now), reset: true };
  }
  if (state.nextAt > now) return { next: state.nextAt, reset: false };
  const next = nextRun(schedule, now, state.anchorAt);
  if (now.getTime() - state.nextAt.getTime() <= MISSED_AFTER_MS) {
    return { run: { trigger: 'schedule', scheduledAt: state.nextAt }, next, reset: false };
  }
  const gap = runsBetween(schedule, new Date(state.nextAt.getTime() - 1), now, state.anchorAt);
  const first = gap.first ?? state.nextAt;
  const last = gap.last ?? state.nextAt;
  return {
    missed: { count: Math.max(gap.count, 1), more: gap.more, first, last },
    ...(timing.catchup ? { run: { trigger: 'catchup' as const, scheduledAt: last } } : {}),
    next,
    reset: false,
  };
}

/** Whether a job has gone twice its period without a success (reported once per episode). Pure. */
export function isOverdue(timing: Timing, state: JobState, now: Date): boolean {
  if (state.overdueSince) return false;
  const since = state.lastSuccessAt ?? state.anchorAt;
  const period = periodAt(timing.schedule, state.nextAt, state.anchorAt);
  return now.getTime() - since.getTime() > 2 * period;
}

/**
 * The scheduler: a background service of the composition root. Croner computes the times; this
 * loop waits on the injected clock, never longer than MAX_SLEEP_MS, and then looks again. Where it
 * is with each job is stored, so a restart neither repeats nor loses a run.
 */
export class Scheduler {
  private readonly loop: TickLoop;
  private cleanup: Promise<unknown> | undefined;

  constructor(private readonly deps: SchedulerDeps) {
    this.loop = new TickLoop(
      deps.clock,
      () => this.tick(),
      (error) => deps.logger?.error({ err: error }, 'the scheduler could not look at its jobs; trying again'),
    );
  }

  /**
   * Ends what a stopped Berth left running (an exec job's process group, a one-off's container),
   * records those runs as interrupted, and starts the loop.
   */
  start(): void {
    const store = this.deps.store();
    const left = store.jobRuns.placesOfRunning();
    const interrupted = store.jobRuns.interruptRunning('Berth stopped during the run');
    if (interrupted.length > 0) {
      this.deps.logger?.warn(
        { runs: interrupted.map((r) => r.id) },
        'job runs of a previous process recorded as interrupted',
      );
    }
    this.cleanup = this.endLeftovers(left).catch((error: unknown) =>
      this.deps.logger?.warn({ err: error }, 'could not end what a previous process left running'),
    );
    this.loop.start();
  }

  private async endLeftovers(left: ReturnType<JobStores['jobRuns']['placesOfRunning']>): Promise<void> {
    if (left.length === 0) return;
    const engine = await this.deps.engine();
    const { killGroup } = await import('./execute.js');
    for (const place of left) {
      if (place.pid !== undefined) await killGroup(engine, place.container, place.pid, 'KILL');
      else await engine.containers.remove(place.container, { force: true }).catch(() => undefined);
    }
  }

  /** Looks at every job once (tests; the loop calls it). Returns when it should look again. */
  async tick(): Promise<Date | undefined> {
    const now = this.deps.clock.now();
    let soonest: Date | undefined;
    for (const entry of await this.deps.jobs.jobs()) {
      try {
        const next = this.consider(entry, now);
        if (!soonest || next < soonest) soonest = next;
      } catch (error: unknown) {
        // One job's trouble (a damaged row) must not cost the others their runs: look again soon.
        this.deps.logger?.error(
          { err: error, job: keyText(entry.key) },
          'the scheduler could not look at a job',
        );
        const retry = new Date(now.getTime() + RETRY_AFTER_ERROR_MS);
        if (!soonest || retry < soonest) soonest = retry;
      }
    }
    return soonest;
  }

  /** Decides for one job, records where the schedule is, and fires what is due. */
  private consider(entry: JobEntry, now: Date): Date {
    const store = this.deps.store();
    const state = store.jobState.get(entry.key);
    const due = decide(entry.definition, state, now);
    const anchorAt = due.reset || !state ? now : state.anchorAt;
    // At most once: the schedule moves on before the run starts, so a crash in between loses a
    // run rather than repeating one (a repeated send or charge is the worse failure).
    store.jobState.schedule(entry.key, {
      schedule: describeSchedule(entry.definition.schedule),
      anchorAt,
      nextAt: due.next,
    });
    if (due.run) this.fire(entry, due.run);
    if (due.missed) this.recordMissed(entry, due.missed);
    const current = store.jobState.get(entry.key);
    if (current && isOverdue(entry.definition, current, now)) {
      store.jobState.overdue(entry.key, now);
      this.publish(entry, 'missed', `${keyText(entry.key)} has not succeeded for more than twice its period`);
    }
    return due.next;
  }

  private recordMissed(entry: JobEntry, missed: NonNullable<Due['missed']>): void {
    const run = this.deps.store().jobRuns.record({
      ...entry.key,
      trigger: 'schedule',
      attempt: 1,
      scheduledAt: missed.first,
      status: 'missed',
      reason: `${missed.count}${missed.more ? '+' : ''} run${missed.count === 1 ? '' : 's'} due while Berth was not running${entry.definition.catchup ? '; catching up once' : ''}`,
      missed: {
        count: missed.count,
        more: missed.more,
        first: missed.first.toISOString(),
        last: missed.last.toISOString(),
      },
    });
    this.publish(entry, 'missed', `${keyText(entry.key)}: ${run.reason ?? 'runs missed'}`, run.id);
  }

  private fire(entry: JobEntry, due: NonNullable<Due['run']>): void {
    const run = this.deps.jobs
      .run(entry, { trigger: due.trigger, scheduledAt: due.scheduledAt, signal: this.loop.runs })
      .then(
        () => undefined,
        (error: unknown) =>
          this.deps.logger?.error({ err: error, job: keyText(entry.key) }, 'a job run failed to start'),
      );
    this.loop.track(run);
  }

  private publish(entry: JobEntry, type: string, message: string, run?: number): void {
    publishJobEvent(this.deps, entry, type, message, run !== undefined ? { run } : {});
  }

  /** Stops firing, gives running jobs `graceMs`, then stops them (they are recorded as interrupted). */
  async drain(graceMs: number): Promise<void> {
    // Only the runs this loop started: manual runs are operations, drained by the runner.
    await this.loop.drain(graceMs, this.cleanup);
  }
}
