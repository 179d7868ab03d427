import { outcomeOf } from '../api/operation-outcome.js';
import type { OperationRecord } from '../api/operations.js';
import type { StoreEventInput } from '../store/index.js';
import { failedOperationAlert } from './failure-alert.js';

/**
 * The runner's `finished` event of an operation that ended. `told`: an event of the operation raised
 * an alert; else a failed one is alerted by this event (failure-alert.ts). Pure.
 */
export function finishedEvent(op: OperationRecord, told = false): StoreEventInput {
  const alert = failedOperationAlert(op, told);
  return {
    kind: 'operation',
    type: 'finished',
    stack: op.stack,
    operation: op.id,
    message:
      alert?.message ??
      `${op.kind} of ${op.stack} ${outcomeOf(op).value}${op.error ? `: ${op.error.message}` : ''}`,
    data: {
      status: op.status,
      ...(op.result !== undefined ? { result: op.result } : {}),
      ...(op.error ? { error: { ...op.error } } : {}),
      ...(alert ? { alert: alert.hint } : {}),
    },
  };
}
