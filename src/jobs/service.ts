import type { JobKey, JobRun } from '../api/jobs.js';
import type { Clock } from '../clock.js';
import type { LoadedStack } from '../compose/stack.js';
import type { Engine } from '../engine/model.js';
import type { EventPublisher } from '../events/hub.js';
import { budgetPeriod, remaining } from './budget.js';
import { type JobEntry, jobEntries, keyText } from './catalog.js';
import { type DeployGate, deployGate, waitedText } from './deploy-gate.js';
import { JobError } from './errors.js';
import { OverlapGuard } from './overlap.js';
import { type BudgetGrant, type RunListener, type RunRequest, recordedAttempt } from './recorded-attempt.js';
import { type JobLogger, type JobStores, RunBook } from './run-book.js';

export interface JobServiceDeps {
  readonly engine: () => Promise<Engine>;
  readonly store: () => JobStores;
  readonly clock: Clock;
  readonly events: () => EventPublisher;
  /** The workspace's stacks as they load now (cached until a file changes). */
  readonly stacks: () => Promise<readonly LoadedStack[]>;
  readonly logger?: JobLogger;
  /** Between TERM and KILL when a run is stopped (default 5 s). */
  readonly killGraceMs?: number;
}

/**
 * Runs jobs: one run at a time per job unless it says otherwise (overlap), within its budget, with
 * its retries, every attempt recorded with its masked output tail, and events for each.
 */
export class JobService {
  private readonly overlap = new OverlapGuard();
  private readonly listeners = new Set<RunListener>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly book: RunBook;

  constructor(private readonly deps: JobServiceDeps) {
    this.book = new RunBook(deps);
  }

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
      // A service the stack does not have is a typo of the service, not of the job: say which exist.
      const stack = (await this.deps.stacks()).find((s) => s.name === key.stack);
      const services = Object.keys(stack?.model.services ?? {}).sort();
      if (stack && !services.includes(key.service)) {
        throw new JobError(
          'JOB_NOT_FOUND',
          `no job ${keyText(key)}: stack ${key.stack} has no service ${key.service}`,
          `its services: ${services.join(', ') || 'none'}; \`berth job list ${key.stack}\` lists its jobs`,
        );
      }
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
        `${keyText(entry.key)} cannot run now: ${entry.key.stack} is busy with a deploy, restart, down or restore${which}`,
        `run it again once that has finished (\`berth ps ${entry.key.stack}\` and the operations list show it); scheduled runs wait for it by themselves`,
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
    if (!admission.go) return this.book.skip(entry, request, admission.reason);
    try {
      return await this.attempts(entry, request);
    } finally {
      admission.done();
    }
  }

  private async attempts(entry: JobEntry, request: RunRequest): Promise<JobRun> {
    const { definition } = entry;
    const signal = request.signal ?? new AbortController().signal;
    let last: JobRun | undefined;
    for (let attempt = 1; attempt <= definition.retries.count + 1; attempt++) {
      // A run let through after a queue, or a retry, must not start once Berth is stopping.
      if (signal.aborted) return last ?? this.book.skip(entry, request, 'Berth is stopping');
      // Not into a container a deploy is replacing: wait for the stack's lock, bounded.
      const gate = await this.waitForStack(entry, signal);
      if (gate.action === 'skip') {
        const skipped = this.book.skip(entry, request, gate.reason, attempt);
        if (last === undefined) return skipped;
        break;
      }
      const budget = this.budgetLeft(entry);
      if (budget && budget.left === 0) {
        return this.book.skip(
          entry,
          request,
          `budget spent: ${budget.consumed} of ${budget.limit} this ${definition.budget?.per} (resets at ${budget.period.end.toISOString()})`,
        );
      }
      last = await recordedAttempt(this.attemptDeps(), entry, {
        ...request,
        attempt,
        budget,
        signal,
        waited: gate.note,
      });
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
      this.book.publish(
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
          reason: `Berth is stopping (the run waited ${waitedText(waited)} while ${stack} was busy)`,
        };
      }
    }
  }

  /** The live holder of a stack's lock; a lock that cannot be read holds nothing up (logged). */
  private stackBusy(stack: string) {
    return this.book.quietly('read the lock of a stack', () => this.deps.store().locks.liveHolder(stack));
  }

  private attemptDeps() {
    const { engine, store, clock, killGraceMs } = this.deps;
    return {
      engine,
      store,
      clock,
      ...(killGraceMs !== undefined ? { killGraceMs } : {}),
      book: this.book,
      listeners: this.listeners,
    };
  }

  private budgetLeft(entry: JobEntry): BudgetGrant | undefined {
    const budget = entry.definition.budget;
    if (!budget) return undefined;
    const period = budgetPeriod(budget.per, this.deps.clock.now(), entry.definition.schedule.timezone);
    const consumed = this.deps.store().jobBudget.consumed(entry.key, period.start);
    return { limit: budget.limit, consumed, left: remaining(budget, consumed), period };
  }
}
