import type { OperationRecord } from '../api/operations.js';
import type { Store } from '../store/index.js';

/**
 * Whether a deployment of the operation's stack was recorded since the operation started (the
 * stack's lock lets one operation deploy it at a time): an `up` that failed without one was refused.
 */
export function deploymentRecorded(store: Pick<Store, 'deployments'>): (op: OperationRecord) => boolean {
  return (op) => {
    const latest = store.deployments.latest([op.stack]).get(op.stack);
    return latest !== undefined && latest.startedAt >= op.startedAt;
  };
}
