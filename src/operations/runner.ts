import { alertHintOf } from '../api/alert-hint.js';
import type { StreamEvent } from '../api/events.js';
import type { ErrorInfo } from '../api/http.js';
import type { OperationKind, OperationRecord, OperationResult } from '../api/operations.js';
import type { Clock } from '../clock.js';
import type { EventPublisher } from '../events/hub.js';
import type { IsAlive, OperationOwner, OperationStore } from '../store/index.js';
import { errorOf, OperationError } from './errors.js';
import { finishedEvent } from './finished-event.js';
import { interruptedError } from './interrupted.js';
import { OPERATION_POLICIES, type OperationPolicy } from './kinds.js';
import { type OperationEvent, progressEventInput } from './progress-event.js';
import { recoverLeft } from './recover.js';

/** What an operation's body gets: where its progress goes, and when to give up. */
export interface OperationContext {
  readonly onEvent: (event: OperationEvent) => void;
  readonly signal: AbortSignal;
}

export interface OperationRequest<K extends OperationKind = OperationKind> {
  readonly kind: K;
  readonly stack: string;
  /** Who asked: a username, `token:<id>`, or a background service (`scheduler`). */
  readonly actor: string;
  /** The API request that started it; background services give their own id. */
  readonly requestId: string;
  readonly run: (ctx: OperationContext) => Promise<OperationResult<K>>;
}

/** Told once about every operation that ended, with how long it ran (metrics). */
export type FinishedListener = (operation: OperationRecord, seconds: number) => void;

export interface OperationRunnerDeps {
  readonly operations: OperationStore;
  readonly events: EventPublisher;
  readonly clock: Pick<Clock, 'now'>;
  readonly newId: () => string;
  /** Marks deployments of a stack that an interrupted deploy (up, down, restart) left running. */
  readonly markInterrupted: (stack: string, reason: string) => void;
  readonly logger?: { error(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
  /**
   * The error an interrupted operation is recorded with (a restore's names its safety backup, read
   * from the store), `stopped` saying what stopped during it; defaults to `interruptedError` for its kind.
   */
  readonly interruptedError?: (op: OperationRecord, stopped: string) => ErrorInfo;
  /**
   * This process, recorded as the owner of each operation it starts, and the check of whether
   * another owner still runs (the stack lock's): `recover` interrupts only what a gone process left
   * (ownerGone). Absent (tests): no owner is recorded and `recover` interrupts every running one.
   */
  readonly owner?: { readonly self: OperationOwner; readonly isAlive: IsAlive };
  /**
   * Whether an event of an operation raised an alert (then its failure raises none: failure-alert.ts);
   * the composition root gives the alert router's classification; defaults to a hint in `data.alert`.
   */
  readonly raisesAlert?: (event: StreamEvent) => boolean;
  /** Defaults to OPERATION_POLICIES; tests give their own. */
  readonly policies?: Readonly<Record<OperationKind, OperationPolicy>>;
}

interface InFlight {
  readonly operation: OperationRecord;
  readonly exclusive: boolean;
  readonly abort: AbortController;
  readonly done: Promise<void>;
  /** Set once shutdown recorded it interrupted without it: what its body does afterwards is dropped. */
  readonly abandoned: { value: boolean };
  readonly started: number;
}

/**
 * How long operations aborted by shutdown get to unwind. An aborted deploy stops waiting at once,
 * but puts back what it changed: that may include a container's graceful stop (Docker's default
 * is 10 s). Past it, an operation is abandoned: the store closes under it.
 */
export const ABORT_WAIT_MS = 15_000;

/**
 * Runs long-running work in the background: the caller gets the operation at once and follows its
 * events. At most one exclusive operation (deploy, removal, restart) runs per stack; other kinds run
 * beside it. On shutdown the running ones get a grace period, are then aborted, and whatever is still
 * running is recorded as interrupted, so nothing is silently lost.
 */
export class OperationRunner {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly finishedListeners = new Set<FinishedListener>();
  private stopping = false;
  /** Operations that ended interrupted when shutdown aborted them (they unwound in time). */
  private readonly unwound: OperationRecord[] = [];

  constructor(private readonly deps: OperationRunnerDeps) {}

  private policy(kind: OperationKind): OperationPolicy {
    return (this.deps.policies ?? OPERATION_POLICIES)[kind];
  }

  /** Calls `listener` for every operation that ends; returns the function that stops it. */
  onFinished(listener: FinishedListener): () => void {
    this.finishedListeners.add(listener);
    return () => this.finishedListeners.delete(listener);
  }

  /**
   * Records as interrupted the operations (of `stack`, or all) that a process now gone left running:
   * a previous server's, or a `berth --local` command's that died (ownerGone); a live process's are
   * left be. `berth serve` calls it once at start, a `--local` command before it changes a stack.
   */
  recover(stack?: string): OperationRecord[] {
    return recoverLeft(
      this.deps.operations,
      this.deps.owner,
      (op, by, stopped) => this.interrupt(op, by, stopped),
      stack,
    );
  }

  private interrupt(op: OperationRecord, by: string, stopped = 'berth serve'): OperationRecord {
    const error =
      this.deps.interruptedError?.(op, stopped) ?? interruptedError(op.kind, op.stack, undefined, stopped);
    const ended = this.deps.operations.finish(op.id, { status: 'interrupted', error });
    // Only a deploy's own deployment: one of another kind's stack may be a live process's.
    if (this.policy(op.kind).events === 'deploy')
      this.deps.markInterrupted(op.stack, `${by} stopped during operation ${op.id}`);
    this.publishFinished(ended);
    return ended;
  }

  /** `told`: an event of the operation raised an alert; else a failed one is alerted here. */
  private publishFinished(op: OperationRecord, told = false): void {
    this.deps.events.publish(finishedEvent(op, told));
  }

  private ended(flight: InFlight, op: OperationRecord): void {
    const seconds = (this.deps.clock.now().getTime() - flight.started) / 1000;
    for (const listener of this.finishedListeners) {
      try {
        listener(op, seconds);
      } catch (error: unknown) {
        this.deps.logger?.error({ err: error, operation: op.id }, 'an operation listener failed');
      }
    }
  }

  running(stack?: string): OperationRecord[] {
    return [...this.inFlight.values()]
      .map((f) => f.operation)
      .filter((op) => stack === undefined || op.stack === stack);
  }

  /** Starts an operation; refuses (OperationError) while shutting down or when the stack's exclusive slot is taken. */
  start<K extends OperationKind>(request: OperationRequest<K>): OperationRecord {
    if (this.stopping) {
      throw new OperationError('SHUTTING_DOWN', 'berth serve is shutting down', 'retry once it is back', 5);
    }
    const exclusive = this.policy(request.kind).exclusive;
    const busy = exclusive
      ? [...this.inFlight.values()].find((f) => f.exclusive && f.operation.stack === request.stack)?.operation
      : undefined;
    if (busy) {
      throw new OperationError(
        'OPERATION_IN_PROGRESS',
        `${busy.kind} of ${request.stack} is running (operation ${busy.id}, started by ${busy.actor} at ${busy.startedAt})`,
        `follow it with GET /api/v1/events?operation=${busy.id}, then try again`,
      );
    }
    const operation = this.deps.operations.start({
      id: this.deps.newId(),
      stack: request.stack,
      kind: request.kind,
      actor: request.actor,
      requestId: request.requestId,
      ...(this.deps.owner ? { owner: this.deps.owner.self } : {}),
    });
    this.deps.events.publish({
      kind: 'operation',
      type: 'started',
      stack: request.stack,
      operation: operation.id,
      message: `${request.actor} started ${request.kind} of ${request.stack}`,
      data: { kind: request.kind, actor: request.actor },
    });
    const abort = new AbortController();
    const abandoned = { value: false };
    const eventKind = this.policy(request.kind).events;
    const raisesAlert = this.deps.raisesAlert ?? ((e: StreamEvent) => alertHintOf(e.data) !== undefined);
    let told = false;
    const onEvent = (e: OperationEvent) => {
      if (abandoned.value) return;
      const event = this.deps.events.publish(progressEventInput(eventKind, request.stack, e, operation.id));
      told ||= raisesAlert(event);
    };
    const flight: InFlight = {
      operation,
      exclusive,
      abort,
      abandoned,
      started: this.deps.clock.now().getTime(),
      done: Promise.resolve(),
    };
    const done = (async () => {
      let ended: OperationRecord;
      try {
        const result = await request.run({ onEvent, signal: abort.signal });
        if (abandoned.value) return;
        ended = this.deps.operations.finish(operation.id, { status: 'succeeded', result });
      } catch (error: unknown) {
        if (abandoned.value) return;
        if (abort.signal.aborted && this.stopping) {
          ended = this.interrupt(operation, 'berth serve');
          this.unwound.push(ended);
          this.inFlight.delete(operation.id);
          this.ended(flight, ended);
          return;
        }
        const failure = errorOf(error);
        if (failure.code === 'INTERNAL')
          this.deps.logger?.error({ err: error, operation: operation.id }, 'operation failed');
        ended = this.deps.operations.finish(operation.id, { status: 'failed', error: failure });
      }
      this.inFlight.delete(operation.id);
      this.publishFinished(ended, told);
      this.ended(flight, ended);
    })().catch((error: unknown) => {
      // Only the store failing while recording the end lands here: log it, never crash the server.
      this.inFlight.delete(operation.id);
      this.deps.logger?.error(
        { err: error, operation: operation.id },
        'recording the end of an operation failed',
      );
    });
    this.inFlight.set(operation.id, { ...flight, done });
    return operation;
  }

  /** Resolves when no operation is running (tests; shutdown uses its own bounded wait). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight.values()].map((f) => f.done));
  }

  /**
   * Stops taking operations, waits up to `graceMs` for the running ones, aborts the rest and waits
   * up to `abortMs` for them to unwind; any still running is recorded as interrupted (and abandoned:
   * it may outlive the store). Returns every operation it interrupted.
   */
  async shutdown(graceMs: number, abortMs = ABORT_WAIT_MS): Promise<OperationRecord[]> {
    this.stopping = true;
    const wait = (ms: number) =>
      Promise.race([
        Promise.all([...this.inFlight.values()].map((f) => f.done)),
        new Promise((resolve) => setTimeout(resolve, ms).unref()),
      ]);
    if (this.inFlight.size > 0) await wait(graceMs);
    if (this.inFlight.size === 0) return [];
    for (const flight of this.inFlight.values())
      flight.abort.abort(new Error('berth serve is shutting down'));
    await wait(abortMs);
    const left = [...this.inFlight.values()];
    this.inFlight.clear();
    const abandoned = left.map((flight) => {
      // Its body may still settle later: it must not publish, end the operation again or count it.
      flight.abandoned.value = true;
      const op = flight.operation;
      this.deps.logger?.warn({ operation: op.id, stack: op.stack }, 'operation interrupted by shutdown');
      const ended = this.interrupt(op, 'berth serve');
      this.ended(flight, ended);
      return ended;
    });
    return [...this.unwound, ...abandoned];
  }
}
