import type { JobKey, JobRun, JobTrigger } from '../api/jobs.js';
import type { Clock } from '../clock.js';
import type { LoadedStack } from '../compose/stack.js';
import type { Engine } from '../engine/model.js';
import type { EventPublisher } from '../events/hub.js';
import type { FinishRunInput, Store } from '../store/index.js';
import { budgetPeriod, consumedBy, remaining, withRemaining } from './budget.js';
import { type JobEntry, jobEntries, keyText } from './catalog.js';
import { type DeployGate, deployGate, waitedText } from './deploy-gate.js';
import { JobError } from './errors.js';
import { type AttemptResult, runAttempt } from './execute.js';
import { OutputTail } from './output.js';
import { OverlapGuard } from './overlap.js';
import { attemptTarget } from './target.js';
import { verdict } from './verdict.js';

/** `locks`: a run waits while a deploy (anything holding the stack's lock) changes its stack. */
export type JobStores = Pick<Store, 'jobRuns' | 'jobState' | 'jobBudget' | 'locks'>;

export interface JobServiceDeps {
  readonly engine: () => Promise<Engine>;
  readonly store: () => JobStores;
  readonly clock: Clock;
  readonly events: () => EventPublisher;
  /** The workspace's stacks as they load now (cached until a file changes). */
  readonly stacks: () => Promise<readonly LoadedStack[]>;
  readonly logger?: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void };
  /** Between TERM and KILL when a run is stopped (default 5 s). */
  readonly killGraceMs?: number;
}

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

/**
 * Runs jobs: one run at a time per job unless it says otherwise (overlap), within its budget, with
 * its retries, every attempt recorded with its masked output tail, and events for each.
 */
export class JobService {
  private readonly overlap = new OverlapGuard();
  private readonly listeners = new Set<RunListener>();
  private readonly running = new Set<Promise<unknown>>();

  constructor(private readonly deps: JobServiceDeps) {}

  onRunFinished(listener: RunListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every job defined in the workspace now. */
  async jobs(stack?: string): Promise<JobEntry[]> {
    const entries = jobEntries(await this.deps.stacks());
    return stack === undefined ? entries : entries.filter((e) => e.key.stack === stack);
  }

  async find(key: JobKey): Promise<JobEntry> {
    const found = (await this.jobs(key.stack)).find(
      (e) => e.key.service === key.service && e.key.job === key.job,
    );
    if (!found) {
      throw new JobError(
        'JOB_NOT_FOUND',
        `no job ${keyText(key)} in the workspace`,
        '`berth job list` lists the jobs; a stack whose files do not validate has none',
      );
    }
    return found;
  }

  isRunning(key: JobKey): boolean {
    return this.overlap.isRunning(keyText(key));
  }

  /**
   * Refuses a manual run while a deploy changes its stack (a scheduled one waits instead), or one
   * that overlap `skip` would skip anyway: a person gets a clear answer at once.
   */
  checkManual(entry: JobEntry): void {
    const busy = this.stackBusy(entry.key.stack);
    if (busy) {
      const which = busy.deploymentId === undefined ? '' : ` (deployment ${busy.deploymentId})`;
      throw new JobError(
        'JOB_STACK_BUSY',
        `${keyText(entry.key)} cannot run now: a deploy of ${entry.key.stack} is in progress${which}`,
        `run it again once the deploy (or restart, down, restore) of ${entry.key.stack} has finished; scheduled runs wait for it by themselves`,
      );
    }
    if (entry.definition.overlap === 'skip' && this.isRunning(entry.key)) {
      throw new JobError(
        'JOB_RUNNING',
        `${keyText(entry.key)} is running, and its overlap is skip`,
        'wait for the run to end (`berth job history`), or set overlap: queue or allow',
      );
    }
  }

  /** Runs a job now, as its overlap, budget and retries say; returns the last record. */
  run(entry: JobEntry, request: RunRequest): Promise<JobRun> {
    const work = this.runJob(entry, request);
    this.running.add(work);
    void work.finally(() => this.running.delete(work)).catch(() => undefined);
    return work;
  }

  /** Resolves when no run is going on. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async runJob(entry: JobEntry, request: RunRequest): Promise<JobRun> {
    const admission = await this.overlap.admit(keyText(entry.key), entry.definition.overlap);
    if (!admission.go) return this.skip(entry, request, admission.reason);
    try {
      return await this.attempts(entry, request);
    } finally {
      admission.done();
    }
  }

  private skip(entry: JobEntry, request: RunRequest, reason: string, attempt = 1): JobRun {
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

  private async attempts(entry: JobEntry, request: RunRequest): Promise<JobRun> {
    const { definition } = entry;
    const signal = request.signal ?? new AbortController().signal;
    let last: JobRun | undefined;
    for (let attempt = 1; attempt <= definition.retries.count + 1; attempt++) {
      // A run let through after a queue, or a retry, must not start once Berth is stopping.
      if (signal.aborted) return last ?? this.skip(entry, request, 'Berth is stopping');
      // Not into a container a deploy is replacing: wait for the stack's lock, bounded.
      const gate = await this.waitForStack(entry, signal);
      if (gate.action === 'skip') {
        const skipped = this.skip(entry, request, gate.reason, attempt);
        if (last === undefined) return skipped;
        break;
      }
      const budget = this.budgetLeft(entry);
      if (budget && budget.left === 0) {
        return this.skip(
          entry,
          request,
          `budget spent: ${budget.consumed} of ${budget.limit} this ${definition.budget?.per} (resets at ${budget.period.end.toISOString()})`,
        );
      }
      last = await this.attempt(entry, request, attempt, budget, signal, gate.note);
      if (last.status === 'succeeded' || last.status === 'interrupted') break;
      if (attempt <= definition.retries.count) {
        const wait = definition.retries.backoffMs * 2 ** (attempt - 1);
        try {
          await this.deps.clock.sleep(wait, signal);
        } catch {
          break;
        }
      }
    }
    if (last === undefined) throw new Error('a job ran no attempt');
    if (last.status === 'failed' || last.status === 'timed-out') {
      this.publish(
        entry,
        'failed',
        `${keyText(entry.key)} ${last.status}: ${last.reason ?? 'see its history'}`,
        last,
      );
    }
    return last;
  }

  /**
   * Waits, on the injected clock, while something holds the lock of the job's stack (a deploy,
   * restart, down or restore: the container may be going away), as `deployGate` says: a poll at a
   * time, up to the job's timeout or 30 min. Shutdown (`signal`) ends the wait as a skip.
   */
  private async waitForStack(
    entry: JobEntry,
    signal: AbortSignal,
  ): Promise<Exclude<DeployGate, { action: 'wait' }>> {
    const { stack } = entry.key;
    const since = this.deps.clock.now();
    for (let now = since; ; now = this.deps.clock.now()) {
      const gate = deployGate({
        stack,
        busy: this.stackBusy(stack),
        since,
        now,
        timeoutMs: entry.definition.timeoutMs,
      });
      if (gate.action !== 'wait') return gate;
      try {
        await this.deps.clock.sleep(gate.ms, signal);
      } catch {
        const waited = this.deps.clock.now().getTime() - since.getTime();
        return {
          action: 'skip',
          reason: `Berth is stopping (the run waited ${waitedText(waited)} for the deploy of ${stack})`,
        };
      }
    }
  }

  /** The live holder of a stack's lock; a lock that cannot be read holds nothing up (logged). */
  private stackBusy(stack: string) {
    return this.quietly('read the lock of a stack', () => this.deps.store().locks.liveHolder(stack));
  }

  private budgetLeft(entry: JobEntry) {
    const budget = entry.definition.budget;
    if (!budget) return undefined;
    const period = budgetPeriod(budget.per, this.deps.clock.now(), entry.definition.schedule.timezone);
    const consumed = this.deps.store().jobBudget.consumed(entry.key, period.start);
    return { limit: budget.limit, consumed, left: remaining(budget, consumed), period };
  }

  private async attempt(
    entry: JobEntry,
    request: RunRequest,
    attempt: number,
    budget: ReturnType<JobService['budgetLeft']>,
    signal: AbortSignal,
    /** Said in the record when the run waited for a deploy first. */
    waited?: string,
  ): Promise<JobRun> {
    const { key, definition } = entry;
    const store = this.deps.store();
    const started = store.jobRuns.start({
      ...key,
      trigger: request.trigger,
      attempt,
      ...(request.scheduledAt ? { scheduledAt: request.scheduledAt } : {}),
    });
    this.publish(
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
      const target = await attemptTarget(await this.deps.engine(), entry, started.id, argv);
      result = await runAttempt(
        {
          engine: await this.deps.engine(),
          clock: this.deps.clock,
          onPlaced: (where) =>
            this.quietly('note where a run runs', () => store.jobRuns.place(started.id, where)),
          ...(this.deps.killGraceMs !== undefined ? { killGraceMs: this.deps.killGraceMs } : {}),
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
      this.quietly('charge the budget', () => store.jobBudget.add(key, budget.period.start, consumed));
    const outcome = verdict(result, output.stdout(), {
      ...(definition.expectOutput !== undefined ? { expect: definition.expectOutput } : {}),
      timeoutMs: definition.timeoutMs,
    });
    const reason = [outcome.reason ? entry.mask(outcome.reason) : undefined, waited]
      .filter((part) => part !== undefined)
      .join('; ');
    const run = this.finish(started, {
      status: outcome.status,
      ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
      ...(reason ? { reason } : {}),
      output: output.text(),
      ...(budget ? { budgetConsumed: consumed } : {}),
    });
    if (run.status === 'succeeded')
      this.quietly('note a success', () => store.jobState.succeeded(key, this.deps.clock.now()));
    this.publish(
      entry,
      'finished',
      `${keyText(key)} ${run.status}${run.exitCode !== undefined ? ` (exit ${run.exitCode})` : ''}`,
      run,
    );
    for (const listener of this.listeners) this.quietly('tell a run listener', () => listener(run));
    return run;
  }

  /**
   * Ends a run's record. When the record cannot be written, the run is still answered as it ended
   * (and logged); when another process already ended it (a server that restarted and recorded it
   * interrupted), that record stands.
   */
  private finish(started: JobRun, outcome: FinishRunInput): JobRun {
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
  private quietly<T>(what: string, action: () => T): T | undefined {
    try {
      return action();
    } catch (error: unknown) {
      this.deps.logger?.error({ err: error }, `could not ${what}`);
      return undefined;
    }
  }

  private publish(entry: JobEntry, type: string, message: string, run: JobRun): void {
    try {
      this.deps.events().publish({
        kind: 'job',
        type,
        stack: entry.key.stack,
        service: entry.key.service,
        message,
        data: {
          job: entry.key.job,
          run: run.id,
          status: run.status,
          trigger: run.trigger,
          attempt: run.attempt,
          ...(run.reason ? { reason: run.reason } : {}),
        },
      });
    } catch (error: unknown) {
      this.deps.logger?.warn({ err: error }, 'a job event could not be stored');
    }
  }
}
