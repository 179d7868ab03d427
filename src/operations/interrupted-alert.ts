import type { AlertHint } from '../api/alert-hint.js';
import type { OperationKind, OperationRecord } from '../api/operations.js';
import type { StoreEventInput } from '../store/index.js';
import { interruptedError } from './interrupted.js';

/**
 * The alert of an operation a dead process left running, found by `berth serve` at start: which
 * operation was interrupted, what the recovery at start did (a restore's stopped services started
 * again and its safety backup; an interrupted deploy's containers put back), and what to do next
 * (the hint its record carries). Published as an `operation` `interrupted` event once the recovery
 * ended, so the alert can say what it did. Pure.
 */

/** Interrupted deploys and restores may leave the stack changed: errors; a job, backup or drill: warnings. */
const SEVERITY: Readonly<Record<OperationKind, AlertHint['severity']>> = {
  up: 'error',
  down: 'error',
  restart: 'error',
  restore: 'error',
  job: 'warning',
  backup: 'warning',
  drill: 'warning',
};

export function interruptedAlertHint(op: Pick<OperationRecord, 'kind' | 'stack'>): AlertHint {
  return { key: `operation-interrupted:${op.stack}`, status: 'notice', severity: SEVERITY[op.kind] };
}

/**
 * The event of an interrupted operation found at start. `recovery`: what the recovery did, in
 * words; undefined when there was nothing to put back. `when`: when it was found (a server's
 * start, or a `berth --local` command on the stack).
 */
export function interruptedAlertEvent(
  op: Pick<OperationRecord, 'id' | 'kind' | 'stack' | 'error'>,
  recovery: string | undefined,
  when = 'At start',
): StoreEventInput {
  const error = op.error ?? interruptedError(op.kind, op.stack);
  const did = recovery ?? 'had nothing to put back';
  return {
    kind: 'operation',
    type: 'interrupted',
    stack: op.stack,
    operation: op.id,
    message: `${op.kind} ${op.id} of ${op.stack} was interrupted: ${error.message}. ${when}, Berth ${did}. Next: ${error.hint}`,
    data: {
      kind: op.kind,
      ...(recovery !== undefined ? { recovery } : {}),
      error: { ...error },
      alert: interruptedAlertHint(op),
    },
  };
}
