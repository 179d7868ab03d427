import type { LockHolder } from '../../store/index.js';
import type { RecordedResult } from './recorder.js';

// Berth's own changes are not outages. While a stack's lock is held (a deploy gating a replacement
// that has not started yet, a restore that stopped the services it loads, a restart, a down), its
// probes still run and their results are shown, but uptime and alerts leave them out: the operator
// asked for that stop, and the deploy's gate or the restore's own checks judge it. So a probe that
// ran only while the lock was held (during a deploy's gate, then taken down right after) has no
// uptime at all, though it turned UP: by design, not lost history (down-stopped.test.ts). Pure.

/** Why the stack's results are not counted now, in words every role reads. */
export function holdReason(stack: string, holder: LockHolder): string {
  if (holder.deploymentId !== undefined)
    return `Berth is deploying stack ${stack} (deployment ${holder.deploymentId})`;
  return `Berth holds stack ${stack} for a change (a restore, restart, down or image prune; pid ${holder.owner.pid} on ${holder.owner.host})`;
}

/** The result as it is shown while not counted: its detail says so, and why. */
export function heldResult(result: RecordedResult, reason: string): RecordedResult {
  return { ...result, detail: `${result.detail} (not counted: ${reason})` };
}
