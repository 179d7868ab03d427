import type { OperationKind } from '../api/operations.js';

/** How the runner treats a kind of operation. */
export interface OperationPolicy {
  /**
   * Holds the stack's one exclusive slot: a second exclusive operation on the stack is refused while
   * it runs. Deploys, removals and restarts change the containers; a manual job run or a backup
   * reads them, and must neither wait for a deploy nor make one fail.
   */
  readonly exclusive: boolean;
  /** The kind of the events its body reports (`ctx.onEvent`). */
  readonly events: 'deploy' | 'job' | 'backup';
}

/** Every operation kind's policy; the kinds themselves are declared once, in the API contract. */
export const OPERATION_POLICIES: Readonly<Record<OperationKind, OperationPolicy>> = {
  up: { exclusive: true, events: 'deploy' },
  down: { exclusive: true, events: 'deploy' },
  restart: { exclusive: true, events: 'deploy' },
  job: { exclusive: false, events: 'job' },
  backup: { exclusive: false, events: 'backup' },
  drill: { exclusive: false, events: 'backup' },
  // A restore stops and starts the stack's services: no deploy may run beside it.
  restore: { exclusive: true, events: 'backup' },
};
