import type { DeployEvent } from '../deploy/events.js';
import type { JsonValue, Operation, OperationKind, OperationStore } from '../store/index.js';
import type { EventHub } from './events.js';
import { ApiError } from './problem.js';

/** What an operation's body gets: where its progress goes, and when to give up. */
export interface OperationContext {
  readonly onEvent: (event: DeployEvent) => void;
  readonly signal: AbortSignal;
}

export interface OperationRequest {
  readonly kind: OperationKind;
  readonly stack: string;
  readonly actor: string;
  readonly requestId: string;
  readonly run: (ctx: OperationContext) => Promise<JsonValue>;
  /** Called once with how it ended (metrics). */
  readonly onFinished?: (operation: Operation, seconds: number) => void;
}

export interface OperationRunnerDeps {
  readonly operations: OperationStore;
  readonly hub: EventHub;
  readonly clock: { now(): Date };
  readonly newId: () => string;
  /** Marks deployments of a stack that an interrupted operation left running. */
  readonly markInterrupted: (stack: string, reason: string) => void;
  readonly logger?: { error(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

interface InFlight {
  readonly operation: Operation;
  readonly abort: AbortController;
  readonly done: Promise<void>;
  /** Set once shutdown recorded it interrupted without it: what its body does afterwards is dropped. */
  readonly abandoned: { value: boolean };
  readonly finished: (ended: Operation) => void;
}

const INTERRUPTED = {
  code: 'OPERATION_INTERRUPTED',
  message: 'berth serve stopped before the operation finished',
  hint: 'run it again: `berth up` converges from whatever state the stack was left in',
};

/** A coded error's code/message/hint; anything else is reported as INTERNAL without its stack trace. */
function errorOf(error: unknown): { code: string; message: string; hint: string } {
  const e = error as { code?: unknown; hint?: unknown; message?: unknown };
  if (error instanceof Error && typeof e.code === 'string' && typeof e.hint === 'string') {
    return { code: e.code, message: error.message, hint: e.hint };
  }
  return {
    code: 'INTERNAL',
    message: error instanceof Error ? error.message : String(error),
    hint: 'see the berth serve log for this operation id',
  };
}

/**
 * Runs the API's long-running calls in the background: the caller gets the operation id at once
 * (202) and follows its events. One operation per stack at a time in this server. On shutdown the
 * running ones get a grace period, are then aborted, and whatever is still running is recorded as
 * interrupted, so nothing is silently lost.
 */
export class OperationRunner {
  private readonly inFlight = new Map<string, InFlight>();
  private stopping = false;

  constructor(private readonly deps: OperationRunnerDeps) {}

  /** Records operations a previous server process left running as interrupted. Call once at start. */
  recover(): Operation[] {
    return this.deps.operations.running().map((op) => this.interrupt(op, 'a previous berth serve process'));
  }

  private interrupt(op: Operation, by: string): Operation {
    const ended = this.deps.operations.finish(op.id, { status: 'interrupted', error: INTERRUPTED });
    this.deps.markInterrupted(op.stack, `${by} stopped during operation ${op.id}`);
    this.publishFinished(ended);
    return ended;
  }

  private publishFinished(op: Operation): void {
    this.deps.hub.publish({
      kind: 'operation',
      type: 'finished',
      stack: op.stack,
      operation: op.id,
      message: `${op.kind} of ${op.stack} ${op.status}${op.error ? `: ${op.error.message}` : ''}`,
      data: {
        status: op.status,
        ...(op.result !== undefined ? { result: op.result } : {}),
        ...(op.error ? { error: { ...op.error } } : {}),
      },
    });
  }

  running(stack?: string): Operation[] {
    return [...this.inFlight.values()]
      .map((f) => f.operation)
      .filter((op) => stack === undefined || op.stack === stack);
  }

  start(request: OperationRequest): Operation {
    if (this.stopping) {
      throw new ApiError('SHUTTING_DOWN', 503, 'berth serve is shutting down', 'retry once it is back', {
        headers: { 'Retry-After': '5' },
      });
    }
    const busy = this.running(request.stack)[0];
    if (busy) {
      throw new ApiError(
        'OPERATION_IN_PROGRESS',
        409,
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
    });
    this.deps.hub.publish({
      kind: 'operation',
      type: 'started',
      stack: request.stack,
      operation: operation.id,
      message: `${request.actor} started ${request.kind} of ${request.stack}`,
      data: { kind: request.kind, actor: request.actor },
    });
    const abort = new AbortController();
    const started = this.deps.clock.now().getTime();
    const abandoned = { value: false };
    const finished = (ended: Operation) =>
      request.onFinished?.(ended, (this.deps.clock.now().getTime() - started) / 1000);
    const onEvent = (e: DeployEvent) => {
      if (abandoned.value) return;
      this.deps.hub.publish({
        kind: 'deploy',
        type: e.type,
        stack: request.stack,
        operation: operation.id,
        ...(e.service ? { service: e.service } : {}),
        message: e.message,
        ...(e.data ? { data: JSON.parse(JSON.stringify(e.data)) as JsonValue } : {}),
      });
    };
    const done = (async () => {
      let ended: Operation;
      try {
        const result = await request.run({ onEvent, signal: abort.signal });
        if (abandoned.value) return;
        ended = this.deps.operations.finish(operation.id, { status: 'succeeded', result });
      } catch (error: unknown) {
        if (abandoned.value) return;
        if (abort.signal.aborted && this.stopping) {
          ended = this.interrupt(operation, 'berth serve');
          this.inFlight.delete(operation.id);
          finished(ended);
          return;
        }
        const failure = errorOf(error);
        if (failure.code === 'INTERNAL')
          this.deps.logger?.error({ err: error, operation: operation.id }, 'operation failed');
        ended = this.deps.operations.finish(operation.id, { status: 'failed', error: failure });
      }
      this.inFlight.delete(operation.id);
      this.publishFinished(ended);
      finished(ended);
    })().catch((error: unknown) => {
      // Only the store failing while recording the end lands here: log it, never crash the server.
      this.inFlight.delete(operation.id);
      this.deps.logger?.error(
        { err: error, operation: operation.id },
        'recording the end of an operation failed',
      );
    });
    this.inFlight.set(operation.id, { operation, abort, done, abandoned, finished });
    return operation;
  }

  /** Resolves when no operation is running (tests; shutdown uses its own bounded wait). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight.values()].map((f) => f.done));
  }

  /**
   * Stops taking operations, waits up to `graceMs` for the running ones, aborts the rest and waits
   * up to `abortMs` for them to unwind; any still running is recorded as interrupted.
   */
  async shutdown(graceMs: number, abortMs = 5000): Promise<Operation[]> {
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
    return left.map((flight) => {
      // Its body may still settle later: it must not publish, end the operation again or count it.
      flight.abandoned.value = true;
      const op = flight.operation;
      this.deps.logger?.warn({ operation: op.id, stack: op.stack }, 'operation interrupted by shutdown');
      const ended = this.interrupt(op, 'berth serve');
      flight.finished(ended);
      return ended;
    });
  }
}
