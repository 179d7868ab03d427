import type { OperationKind } from '../api/operations.js';
import type { EventPublisher } from '../events/hub.js';
import { errorOf } from '../operations/errors.js';
import { failedLocalOperationEvent } from '../operations/failure-alert.js';

/**
 * Runs `work` as the operation `kind` of `stack` that `berth serve` would run, for the CLI's `--local`
 * mode: a failure none of its events alerted (`told`) is stored as the runner's `finished` event of a
 * failed operation is (failure-alert.ts), so a `berth serve` on the same state file alerts it alike.
 * The error is thrown on as it came; what the server refuses before an operation exists is checked
 * by the caller before.
 */
export async function alertedFailure<T>(
  events: () => EventPublisher,
  op: { readonly kind: OperationKind; readonly stack: string; readonly told: () => boolean },
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error: unknown) {
    const failed = failedLocalOperationEvent(
      { kind: op.kind, stack: op.stack, error: errorOf(error) },
      op.told(),
    );
    try {
      if (failed !== undefined) events().publish(failed);
    } catch {
      // Not stored (the state file failing): the command's own error, thrown below, says what failed.
    }
    throw error;
  }
}
