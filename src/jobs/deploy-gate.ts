import { formatDuration } from '../compose/schema/units.js';

/** The longest a run waits for a deploy of its stack, whatever its own timeout. */
export const DEPLOY_WAIT_MAX_MS = 30 * 60_000;
/** How often a waiting run looks at its stack's lock again (a deploy may run in another process). */
export const DEPLOY_POLL_MS = 1_000;

/** Who holds a stack's lock (a deploy, restart, down or restore), as far as a run cares. */
export interface StackBusy {
  readonly deploymentId?: number;
}

/** Whether a run may start now, should look again after `ms`, or gives up (recorded skipped). */
export type DeployGate =
  | { readonly action: 'go'; readonly note?: string }
  | { readonly action: 'wait'; readonly ms: number }
  | { readonly action: 'skip'; readonly reason: string };

export interface DeployGateInput {
  readonly stack: string;
  /** The live holder of the stack's lock now; undefined when the stack is free. */
  readonly busy: StackBusy | undefined;
  /** When the run first looked at the lock. */
  readonly since: Date;
  readonly now: Date;
  /** The job's own timeout: it bounds the wait, as does DEPLOY_WAIT_MAX_MS. */
  readonly timeoutMs: number;
  readonly pollMs?: number;
}

/** How long a job waits for a deploy of its stack: its timeout, or DEPLOY_WAIT_MAX_MS if less. */
export const deployWaitBound = (timeoutMs: number): number => Math.min(timeoutMs, DEPLOY_WAIT_MAX_MS);

/** A wait as an operator reads it, in whole seconds (`42s`, `1m30s`). */
export const waitedText = (ms: number): string => formatDuration(Math.round(ms / 1000) * 1000);

/**
 * Whether a run of a job on `stack` starts now, given who holds the stack's lock. Pure. A free
 * stack lets it go (with a note for its record when it waited); a held one makes it look again
 * after a poll, until the wait reaches the bound: then it is skipped, never failed.
 */
export function deployGate(input: DeployGateInput): DeployGate {
  const { stack, busy } = input;
  const waited = input.now.getTime() - input.since.getTime();
  if (busy === undefined) {
    return waited > 0
      ? {
          action: 'go',
          note: `waited ${waitedText(Math.max(waited, 1000))} while ${stack} was busy (a deploy, restart, down or restore)`,
        }
      : { action: 'go' };
  }
  const bound = deployWaitBound(input.timeoutMs);
  if (waited >= bound) {
    const which = busy.deploymentId === undefined ? '' : ` (deployment ${busy.deploymentId})`;
    return {
      action: 'skip',
      reason: `${stack} still busy (a deploy, restart, down or restore) after ${waitedText(waited)}${which}`,
    };
  }
  return { action: 'wait', ms: Math.min(input.pollMs ?? DEPLOY_POLL_MS, bound - waited) };
}
