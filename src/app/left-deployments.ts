import type { DeploymentStore, LockStore } from '../store/index.js';

/**
 * The runner's `markInterrupted`: the deployments of a stack that an interrupted deploy of a gone
 * process left running are recorded interrupted, unless a live process other than this one holds
 * the stack's lock. That one (a `berth --local up` running while a server starts) is deploying now:
 * the running deployment is its own, and its deploy already recorded the older ones interrupted
 * when it took the lock. This process's own lock (a deploy that did not unwind at shutdown) is no
 * reason to keep them.
 */
export function markLeftDeployments(
  store: () => {
    readonly locks: Pick<LockStore, 'liveHolder'>;
    readonly deployments: Pick<DeploymentStore, 'markInterrupted'>;
  },
  self: { readonly token: string },
): (stack: string, reason: string) => void {
  return (stack, reason) => {
    const holder = store().locks.liveHolder(stack);
    if (holder !== undefined && holder.owner.token !== self.token) return;
    store().deployments.markInterrupted(stack, reason);
  };
}
