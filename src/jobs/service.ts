import type { JobKey, JobRun, JobTrigger } from '../api/jobs.js';
import type { Clock } from '../clock.js';
import type { LoadedStack } from '../compose/stack.js';
import { serviceContainers } from '../deploy/containers.js';
import { desiredState } from '../deploy/desired.js';
import type { Engine } from '../engine/model.js';
import type { EventPublisher } from '../events/hub.js';
import type { Store } from '../store/index.js';
import { budgetPeriod, consumedBy, remaining, withRemaining } from './budget.js';
import { type JobEntry, jobEntries, keyText } from './catalog.js';
import { JobError } from './errors.js';
import { type AttemptResult, type AttemptTarget, runAttempt } from './execute.js';
import { OutputTail } from './output.js';
import { OverlapGuard } from './overlap.js';
import { verdict } from './verdict.js';

export type JobStores = Pick<Store, 'jobRuns' | 'jobState' | 'jobBudget'>;

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

  /** Refuses a manual run that overlap `skip` would skip anyway: a person gets a clear answer. */
  checkManual(entry: JobEntry): void {
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

  private skip(entry: JobEntry, request: RunRequest, reason: string): JobRun {
    const run = this.deps.store().jobRuns.record({
      ...entry.key,
      trigger: request.trigger,
      attempt: 1,
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
      const budget = this.budgetLeft(entry);
      if (budget && budget.left === 0) {
        return this.skip(
          entry,
          request,
          `budget spent: ${budget.consumed} of ${budget.limit} this ${definition.budget?.per} (resets at ${budget.resetsAt.toISOString()})`,
        );
      }
      last = await this.attempt(entry, request, attempt, budget?.left, signal);
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

  private budgetLeft(entry: JobEntry) {
    const budget = entry.definition.budget;
    if (!budget) return undefined;
    const period = budgetPeriod(budget.per, this.deps.clock.now(), entry.definition.schedule.timezone);
    const consumed = this.deps.store().jobBudget.consumed(entry.key, period.start);
    return { limit: budget.limit, consumed, left: remaining(budget, consumed), resetsAt: period.end, period };
  }

  private async target(entry: JobEntry, runId: number, argv: readonly string[]): Promise<AttemptTarget> {
    const { key, definition } = entry;
    const engine = await this.deps.engine();
    const base = { ...key, runId, argv, timeoutMs: definition.timeoutMs };
    if (definition.run === 'oneoff') {
      const desired = desiredState(entry.stack, { imageIds: new Map(), installCompleted: () => true });
      const spec = desired.services[key.service]?.replicas[0]?.spec;
      if (!spec) throw new Error(`service ${key.service} has no container to copy`);
      return { ...base, where: { oneoff: spec } };
    }
    const running = (await serviceContainers(engine, key.stack, key.service)).find(
      (c) => c.state === 'running',
    );
    if (!running)
      throw new Error(`no running container of ${key.service}; \`berth up ${key.stack}\` starts it`);
    return { ...base, where: { exec: running.id } };
  }

  private async attempt(
    entry: JobEntry,
    request: RunRequest,
    attempt: number,
    left: number | undefined,
    signal: AbortSignal,
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
      `${keyText(key)} started (run ${started.id}${attempt > 1 ? `, attempt ${attempt}` : ''})`,
      started,
    );
    const output = new OutputTail(entry.mask, request.onLine);
    const argv = left === undefined ? definition.argv : withRemaining(definition.argv, left);
    let result: AttemptResult;
    try {
      const target = await this.target(entry, started.id, argv);
      result = await runAttempt(
        {
          engine: await this.deps.engine(),
          clock: this.deps.clock,
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
    const text = output.text();
    const consumed = definition.budget ? consumedBy(text, definition.budget.consumed) : undefined;
    if (definition.budget && consumed) {
      const period = budgetPeriod(definition.budget.per, this.deps.clock.now(), definition.schedule.timezone);
      store.jobBudget.add(key, period.start, consumed);
    }
    const outcome = verdict(result, output.stdout(), {
      ...(definition.expectOutput !== undefined ? { expect: definition.expectOutput } : {}),
      timeoutMs: definition.timeoutMs,
    });
    const run = store.jobRuns.finish(started.id, {
      status: outcome.status,
      ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
      ...(outcome.reason ? { reason: entry.mask(outcome.reason) } : {}),
      output: text,
      ...(consumed !== undefined ? { budgetConsumed: consumed } : {}),
    });
    if (run.status === 'succeeded') store.jobState.succeeded(key, this.deps.clock.now());
    this.publish(
      entry,
      'finished',
      `${keyText(key)} ${run.status}${run.exitCode !== undefined ? ` (exit ${run.exitCode})` : ''}`,
      run,
    );
    for (const listener of this.listeners) {
      try {
        listener(run);
      } catch (error: unknown) {
        this.deps.logger?.error({ err: error, run: run.id }, 'a job run listener failed');
      }
    }
    return run;
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
