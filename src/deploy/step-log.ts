import type { Clock } from '../clock.js';
import { isEngineError } from '../engine/model.js';
import type { Step } from './plan-types.js';
import { ServiceFailed } from './service-gates.js';

// The deploy executor's debug lines, for an operator asking `BERTH_LOG_LEVEL_DEPLOY=debug` what a
// deploy did and how long each part took: every plan step it runs (start and end), every gate
// (start, pass or fail) and the rollback (start and end). Names the stack, the deployment, step
// kinds, service names, replica numbers, container ids, outcomes, Berth's own failure words and
// durations: never a container's, network's or volume's name, an image reference, a command, an
// environment value or a failure's detail (any of them may hold an interpolated `.env` value; the
// engine's call log masks them for the same reason).

/** The slice of a logger the executor writes to; a pino logger satisfies it. */
export interface DeployDebugLog {
  debug(fields: Record<string, unknown>, message: string): void;
}

/** The steps the executor runs and logs: resources, container steps and removals. */
export type LoggedStep = Exclude<Step, { kind: 'pull' | 'build' }>;

export type StepOutcome = 'succeeded' | 'failed' | 'aborted';

/** Berth's own words (`unhealthy`, `engine-error`, ENGINE_CONFLICT): anything else is not shown. */
const WORD = /^[A-Za-z][A-Za-z0-9_-]{0,40}$/;

/** Why a step failed, in Berth's words: a service failure's reason or an engine error's code. */
export function failureWord(error: unknown): string | undefined {
  const word =
    error instanceof ServiceFailed ? error.failure.reason : isEngineError(error) ? error.code : undefined;
  return word !== undefined && WORD.test(word) ? word : undefined;
}

/** What a line says of a step: its kind, and the service and replica it is of (never a name). */
function stepFields(step: LoggedStep, index: number): Record<string, unknown> {
  if (step.kind === 'create-network' || step.kind === 'create-volume') return { step: step.kind, index };
  return {
    step: step.kind,
    service: step.service,
    replica: step.replica,
    ...(step.kind === 'recreate' ? { strategy: step.strategy } : {}),
  };
}

function stepWords(step: LoggedStep, index: number): string {
  if (step.kind === 'create-network' || step.kind === 'create-volume') return `${step.kind} #${index}`;
  return `${step.kind} ${step.service} replica ${step.replica}`;
}

/** The executor's debug lines for one deployment; every method does nothing without a log. */
export class StepLog {
  constructor(
    private readonly log: DeployDebugLog | undefined,
    private readonly clock: Pick<Clock, 'now'>,
    private readonly context: { readonly stack: string; readonly deployment: number },
  ) {}

  private line(event: string, fields: Record<string, unknown>, message: string): void {
    this.log?.debug({ ...this.context, event, ...fields }, message);
  }

  private since(started: number): number {
    return Math.max(0, Math.round(this.clock.now().getTime() - started));
  }

  /**
   * Runs one step between its `step-start` and `step-end` lines. `index`: its place in the plan's
   * resources, from 1 (what tells two apart without their names; shown for resources only). `id`
   * reads the new container's id at the end; `aborted` says whether a failure was the deploy being
   * cancelled.
   */
  async step<T>(
    step: LoggedStep,
    index: number,
    run: () => Promise<T>,
    options: { id?: (result: T | undefined) => string | undefined; aborted?: () => boolean } = {},
  ): Promise<T> {
    if (!this.log) return run();
    const fields = stepFields(step, index);
    const words = stepWords(step, index);
    this.line('step-start', fields, `deploy step ${words}: started`);
    const started = this.clock.now().getTime();
    const end = (outcome: StepOutcome, result: T | undefined, error?: unknown) => {
      const id = options.id?.(result);
      const why = error === undefined ? undefined : failureWord(error);
      const ms = this.since(started);
      this.line(
        'step-end',
        {
          ...fields,
          outcome,
          ms,
          ...(id ? { container: id } : {}),
          ...(why ? { error: why } : {}),
        },
        `deploy step ${words}: ${outcome}${why ? ` (${why})` : ''} in ${ms} ms`,
      );
    };
    try {
      const result = await run();
      end('succeeded', result);
      return result;
    } catch (error: unknown) {
      end(options.aborted?.() ? 'aborted' : 'failed', undefined, error);
      throw error;
    }
  }

  /**
   * `gate-start`: the gate of a new container (`deploy`), or of a previous one a rollback restored
   * (`rollback`, no replica); `gate-pass` or `gate-fail` (with the gate's reason) when it decided.
   */
  gateStarted(service: string, replica: number | undefined, id: string, phase: Phase) {
    const started = this.clock.now().getTime();
    const fields = { service, ...(replica === undefined ? {} : { replica }), container: id, phase };
    const words = `deploy gate ${service} ${id}${phase === 'rollback' ? ' (rollback)' : ''}`;
    this.line('gate-start', fields, `${words}: started`);
    return {
      passed: () => {
        const ms = this.since(started);
        this.line('gate-pass', { ...fields, ms }, `${words}: passed in ${ms} ms`);
      },
      failed: (reason: string) => {
        const ms = this.since(started);
        const why = WORD.test(reason) ? reason : 'failed';
        this.line('gate-fail', { ...fields, reason: why, ms }, `${words}: ${why} in ${ms} ms`);
      },
    };
  }

  /** `rollback-start`: putting back `changes` changed replicas, after a failure or an interruption. */
  rollbackStarted(cause: 'failure' | 'interrupted', changes: number) {
    const started = this.clock.now().getTime();
    this.line('rollback-start', { cause, changes }, `deploy rollback (${cause}): ${changes} to put back`);
    return {
      /** `rollback-end`: `problems` is how many things could not be put back (0: all were). */
      ended: (problems: number) => {
        const ms = this.since(started);
        const outcome = problems === 0 ? 'restored' : 'incomplete';
        this.line(
          'rollback-end',
          { cause, outcome, problems, ms },
          `deploy rollback (${cause}): ${outcome} in ${ms} ms`,
        );
      },
    };
  }
}

/** Whether a gate is the deploy's own (a new container) or a rollback's (a restored one). */
export type Phase = 'deploy' | 'rollback';

/** No log: every line is skipped. */
export const noStepLog = (clock: Pick<Clock, 'now'>): StepLog =>
  new StepLog(undefined, clock, { stack: '', deployment: 0 });
