import type { JobKey, JobRun, JobSummary } from '../api/jobs.js';
import type { Clock } from '../clock.js';
import { budgetPeriod, remaining } from './budget.js';
import type { JobEntry } from './catalog.js';
import type { JobStores } from './run-book.js';
import { describeSchedule } from './schedule.js';
import type { JobService } from './service.js';

/** What `berth job list` and the history show: read from the store, computed for now. */
export class JobSummaries {
  constructor(
    private readonly deps: {
      readonly store: () => JobStores;
      readonly clock: Pick<Clock, 'now'>;
      readonly jobs: Pick<JobService, 'isRunning'>;
    },
  ) {}

  of(entry: JobEntry): JobSummary {
    const { key, definition } = entry;
    const store = this.deps.store();
    const state = store.jobState.get(key);
    const last = store.jobRuns.latest(key);
    const budget = definition.budget;
    const period = budget
      ? budgetPeriod(budget.per, this.deps.clock.now(), definition.schedule.timezone)
      : undefined;
    const consumed = budget && period ? store.jobBudget.consumed(key, period.start) : 0;
    const lastRun = last ? withoutOutput(last) : undefined;
    return {
      ...key,
      schedule: describeSchedule(definition.schedule),
      run: definition.run,
      overlap: definition.overlap,
      timeoutMs: definition.timeoutMs,
      ...(state ? { nextRunAt: state.nextAt.toISOString() } : {}),
      ...(lastRun ? { lastRun } : {}),
      ...(state?.lastSuccessAt ? { lastSuccessAt: state.lastSuccessAt.toISOString() } : {}),
      running: this.deps.jobs.isRunning(key),
      ...(budget && period
        ? {
            budget: {
              limit: budget.limit,
              per: budget.per,
              consumed,
              remaining: remaining(budget, consumed),
              resetsAt: period.end.toISOString(),
            },
          }
        : {}),
    };
  }

  history(key: JobKey, page: { limit: number; before?: number }) {
    return this.deps.store().jobRuns.list(key, page);
  }
}

function withoutOutput(run: JobRun): Omit<JobRun, 'output'> {
  const { output: _output, ...rest } = run;
  return rest;
}
