import type { LockOwner, Store } from '../store/index.js';
import { DeployError } from './errors.js';

/** Runs `action` holding the stack's lock: one change to a stack's containers at a time, across processes. */
export async function withStackLock<T>(
  deps: { readonly store: Pick<Store, 'locks'>; readonly owner: LockOwner },
  stack: string,
  action: () => Promise<T>,
): Promise<T> {
  const lock = deps.store.locks.acquire(stack, { owner: deps.owner });
  if (!lock.ok) {
    throw new DeployError(
      'DEPLOY_IN_PROGRESS',
      `deployment ${lock.heldBy.deploymentId ?? '(starting)'} in progress for ${stack}`,
      'wait for it to finish (`berth deployments`)',
    );
  }
  try {
    return await action();
  } finally {
    deps.store.locks.release(stack, deps.owner.token);
  }
}
