import type { JobRun, JobTrigger } from '../api/jobs.js';
import type { Clock } from '../clock.js';
import type { Engine } from '../engine/model.js';
import { consumedBy, withRemaining } from './budget.js';
import { type JobEntry, keyText } from './catalog.js';
import type { AttemptResult } from './execute.js';
import { OutputTail } from './output.js';
import type { JobStores, RunBook } from './run-book.js';
import { verdict } from './verdict.js';

export interface RunRequest {
  readonly trigger: JobTrigger;
  /** When the schedule had it due. */
  readonly scheduledAt?: Date;
  /** Each output line as it comes, masked (a manual run shows it live). */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Aborted when Berth shuts down: the run is stopped and recorded as interrupted. */
  readonly signal?: AbortSignal;
}

/** Told about every run that ended (metrics). */
export type RunListener = (run: JobRun) => void;

/** What a budgeted job may still use in the current period. */
export interface BudgetGrant {
  readonly limit: number;
  readonly consumed: number;
  readonly left: number;
  readonly period: { readonly start: Date; readonly end: Date };
}

export interface AttemptDeps {
  readonly engine: () => Promise<Engine>;
  readonly store: () => JobStores;
  readonly clock: Clock;
  /** Between TERM and KILL when a run is stopped. */
  readonly killGraceMs?: number;
  readonly book: RunBook;
  readonly listeners: Iterable<RunListener>;
}

export interface AttemptRequest extends RunRequest {
  readonly attempt: number;
  readonly budget: BudgetGrant | undefined;
  readonly signal: AbortSignal;
  /** Said in the record when the run waited for a deploy first. */
  readonly waited?: string | undefined;
}

/**
 * One attempt of a job, recorded: the run's record is started and published, the job runs with its
 * output tail (and, when budgeted, what it consumed charged), and the record ends with its verdict.
 */
export async function recordedAttempt(
  deps: AttemptDeps,
  entry: JobEntry,
  request: AttemptRequest,
): Promise<JobRun> {
  const { key, definition } = entry;
  const { attempt, budget, signal, waited } = request;
  const { book } = deps;
  const store = deps.store();
  const started = store.jobRuns.start({
    ...key,
    trigger: request.trigger,
    attempt,
    ...(request.scheduledAt ? { scheduledAt: request.scheduledAt } : {}),
  });
  book.publish(
    entry,
    'started',
    `${keyText(key)} started (run ${started.id}${attempt > 1 ? `, attempt ${attempt}` : ''}${waited ? `, ${waited}` : ''})`,
    started,
  );
  // What a budgeted run used is counted on its raw output (a masked or dropped line still counts).
  let consumed = 0;
  const pattern = definition.budget?.consumed;
  const output = new OutputTail(entry.mask, {
    ...(request.onLine ? { onLine: request.onLine } : {}),
    ...(pattern ? { onRawLine: (line: string) => (consumed += consumedBy(line, pattern)) } : {}),
  });
  const argv = budget === undefined ? definition.argv : withRemaining(definition.argv, budget.left);
  let result: AttemptResult;
  try {
    // The engine first: an attempt is under way (and fails at once when it is down) before the code
    // that runs a job (its container, exec and deploy-model code) loads, with the first run, not at start.
    const engine = await deps.engine();
    const [{ attemptTarget }, { runAttempt }] = await Promise.all([
      import('./target.js'),
      import('./execute.js'),
    ]);
    const target = await attemptTarget(engine, entry, started.id, argv);
    result = await runAttempt(
      {
        engine: await deps.engine(),
        clock: deps.clock,
        onPlaced: (where) =>
          book.quietly('note where a run runs', () => store.jobRuns.place(started.id, where)),
        ...(deps.killGraceMs !== undefined ? { killGraceMs: deps.killGraceMs } : {}),
      },
      target,
      output,
      signal,
    );
  } catch (error: unknown) {
    result = {
      timedOut: false,
      interrupted: false,
      error: error instanceof Error ? error.message : String(error),
    };
  }
  // The ledger is charged in the period the run was granted from, whenever it ends.
  if (budget && consumed > 0)
    book.quietly('charge the budget', () => store.jobBudget.add(key, budget.period.start, consumed));
  const outcome = verdict(result, output.stdout(), {
    ...(definition.expectOutput !== undefined ? { expect: definition.expectOutput } : {}),
    timeoutMs: definition.timeoutMs,
  });
  const reason = [outcome.reason ? entry.mask(outcome.reason) : undefined, waited]
    .filter((part) => part !== undefined)
    .join('; ');
  const run = book.finish(started, {
    status: outcome.status,
    ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
    ...(reason ? { reason } : {}),
    output: output.text(),
    ...(budget ? { budgetConsumed: consumed } : {}),
  });
  if (run.status === 'succeeded')
    book.quietly('note a success', () => store.jobState.succeeded(key, deps.clock.now()));
  book.publish(
    entry,
    'finished',
    `${keyText(key)} ${run.status}${run.exitCode !== undefined ? ` (exit ${run.exitCode})` : ''}`,
    run,
  );
  for (const listener of deps.listeners) book.quietly('tell a run listener', () => listener(run));
  return run;
}
