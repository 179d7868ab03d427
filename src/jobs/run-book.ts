import type { JobRun } from '../api/jobs.js';
import type { Clock } from '../clock.js';
import type { EventPublisher } from '../events/hub.js';
import type { FinishRunInput, Store } from '../store/index.js';
import { type JobEntry, keyText } from './catalog.js';
import type { RunRequest } from './recorded-attempt.js';

/** `locks`: a run waits while a deploy (anything holding the stack's lock) changes its stack. */
export type JobStores = Pick<Store, 'jobRuns' | 'jobState' | 'jobBudget' | 'locks'>;

export interface JobLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface RunBookDeps {
  readonly store: () => JobStores;
  readonly clock: Pick<Clock, 'now'>;
  readonly events: () => EventPublisher;
  readonly logger?: JobLogger;
}

/**
 * The bookkeeping of job runs: their records and their events. What fails here is logged and does
 * not stop a run's end from being reported.
 */
export class RunBook {
  constructor(private readonly deps: RunBookDeps) {}

  /** Records (and publishes) a run that did not start, for `reason`. */
  skip(entry: JobEntry, request: RunRequest, reason: string, attempt = 1): JobRun {
    const run = this.deps.store().jobRuns.record({
      ...entry.key,
      trigger: request.trigger,
      attempt,
      ...(request.scheduledAt ? { scheduledAt: request.scheduledAt } : {}),
      status: 'skipped',
      reason,
    });
    this.publish(entry, 'skipped', `${keyText(entry.key)} skipped: ${reason}`, run);
    return run;
  }

  /**
   * Ends a run's record. When the record cannot be written, the run is still answered as it ended
   * (and logged); when another process already ended it (a server that restarted and recorded it
   * interrupted), that record stands.
   */
  finish(started: JobRun, outcome: FinishRunInput): JobRun {
    try {
      return this.deps.store().jobRuns.finish(started.id, outcome);
    } catch (error: unknown) {
      this.deps.logger?.error({ err: error, run: started.id }, 'the end of a job run could not be recorded');
      const stored = this.quietly('read a job run', () => this.deps.store().jobRuns.get(started.id));
      return stored && stored.status !== 'running'
        ? stored
        : { ...started, ...outcome, finishedAt: this.deps.clock.now().toISOString() };
    }
  }

  /** Runs bookkeeping that must not stop a run's end from being reported; logs what failed. */
  quietly<T>(what: string, action: () => T): T | undefined {
    try {
      return action();
    } catch (error: unknown) {
      this.deps.logger?.error({ err: error }, `could not ${what}`);
      return undefined;
    }
  }

  publish(entry: JobEntry, type: string, message: string, run: JobRun): void {
    publishJobEvent(this.deps, entry, type, message, {
      run: run.id,
      status: run.status,
      trigger: run.trigger,
      attempt: run.attempt,
      ...(run.reason ? { reason: run.reason } : {}),
    });
  }
}

/** Publishes a job event; an event that cannot be stored is logged, never thrown into the run. */
export function publishJobEvent(
  deps: {
    readonly events: () => EventPublisher;
    readonly logger?: { warn(obj: object, msg?: string): void };
  },
  entry: JobEntry,
  type: string,
  message: string,
  data: Record<string, unknown> = {},
): void {
  try {
    deps.events().publish({
      kind: 'job',
      type,
      stack: entry.key.stack,
      service: entry.key.service,
      message,
      data: { job: entry.key.job, ...data },
    });
  } catch (error: unknown) {
    deps.logger?.warn({ err: error }, 'a job event could not be stored');
  }
}
