import type { StreamEvent } from '../api/events.js';
import type { OperationRecord } from '../api/operations.js';
import { serviceContainers } from '../deploy/containers.js';
import type { Engine } from '../engine/model.js';
import type { EventPublisher } from '../events/hub.js';
import {
  planRestoreRecovery,
  type RestoreTrace,
  restoreRecoveryMessage,
  traceRestore,
} from './restore-trace.js';

/** An operation's stored events, oldest first (the event hub's backlog). */
export type OperationEvents = (operation: string) => readonly StreamEvent[];

/** The most events of one operation read back: a restore records a few dozen. */
const EVENTS_READ = 10_000;

/** What the restore of an operation recorded of its steps, from the events the store keeps. */
export function restoreTraceOf(
  backlog: (after: number, limit: number, operation: string) => readonly StreamEvent[],
  operation: string,
): RestoreTrace | undefined {
  return traceRestore(backlog(0, EVENTS_READ, operation));
}

export interface RestoreRecoveryPorts {
  readonly engine: () => Promise<Engine>;
  readonly events: EventPublisher;
  readonly trace: (operation: string) => RestoreTrace | undefined;
}

/**
 * After a restore whose process died: starts again what it had stopped (the target once it began
 * writing, and the dependents it stopped), only containers Berth labelled as those services' of
 * the stack, and only stopped ones; then publishes a `backup` event saying what it did and which
 * safety backup holds the data from before. Returns that line (undefined when nothing was recorded).
 */
export async function recoverRestore(
  ports: RestoreRecoveryPorts,
  op: Pick<OperationRecord, 'id' | 'stack'>,
): Promise<string | undefined> {
  const trace = ports.trace(op.id);
  if (!trace) return undefined;
  const engine = await ports.engine();
  const containers = new Map<string, Awaited<ReturnType<typeof serviceContainers>>>();
  for (const service of new Set([trace.service, ...trace.stopped])) {
    containers.set(service, await serviceContainers(engine, trace.stack, service));
  }
  const plan = planRestoreRecovery(trace, containers);
  const started: string[] = [];
  const failed = [...plan.left];
  for (const c of plan.start) {
    try {
      await engine.containers.start(c.id);
      started.push(c.name);
    } catch (error: unknown) {
      failed.push({ name: c.name, why: error instanceof Error ? error.message : String(error) });
    }
  }
  const message = restoreRecoveryMessage(op.id, trace, started, failed);
  ports.events.publish({
    kind: 'backup',
    type: 'restore-recovered',
    stack: trace.stack,
    service: trace.service,
    message,
    data: { operation: op.id, started, notStarted: failed, ...trace },
  });
  return message;
}
