import type { OperationRecord } from '../api/operations.js';
import { type IsAlive, isStoreError, type OperationOwner, type OperationStore } from '../store/index.js';
import { ownerGone, ownerText } from './owner.js';

/**
 * Records as interrupted (through `interrupt`) the operations of `stack`, or all, that a process now
 * gone left running (ownerGone); a live process's are left be. Without `owner` (tests) every running
 * one is. `by` is the process that stopped, in words; `stopped` what the error names as stopped.
 */
export function recoverLeft(
  operations: OperationStore,
  owner: { readonly self: OperationOwner; readonly isAlive: IsAlive } | undefined,
  interrupt: (op: OperationRecord, by: string, stopped: string) => OperationRecord,
  stack?: string,
): OperationRecord[] {
  return operations
    .running()
    .filter((op) => stack === undefined || op.stack === stack)
    .map((op) => ({ op, by: operations.ownerOf(op.id) }))
    .filter(({ by }) => owner === undefined || ownerGone(by, owner.self, owner.isAlive))
    .flatMap(({ op, by }) => {
      try {
        return [interrupt(op, ownerText(by), by?.process === 'local' ? ownerText(by) : 'berth serve')];
      } catch (error: unknown) {
        // Another process recovering the same stack recorded it first: it is theirs to recover.
        if (isStoreError(error, 'STORE_INVALID_STATE')) return [];
        throw error;
      }
    });
}
