import type { NotRunning } from '../api/health.js';
import type { StackRunFacts } from '../store/index.js';

/**
 * Whether a stack runs, from what the store recorded (its last `berth down`, and its deployments
 * since), not from what happens to be on the engine. Pure.
 *
 * A succeeded deploy leaves the stack running; a rolled-back or interrupted one puts back what ran
 * before it; a failed one (rollback `manual`, or a rollback that went wrong) leaves whatever it got
 * to. So the stack is not running when every deployment since its last down (or since ever) put
 * the stack back as it was, and there was a down or at least one deployment: `stopped` when the
 * down is the newest fact, `not-running` when a deployment since left nothing running.
 */
export type StackRun =
  /** Running, being deployed, or as a failed deploy left it: its probes say how it is. */
  | { readonly state: 'running' }
  /** Nothing recorded: no deployment, no down. Its declared probes have not run yet. */
  | { readonly state: 'never-deployed' }
  /** Taken down by `berth down`, and not deployed since. */
  | { readonly state: 'stopped'; readonly at?: string }
  /**
   * Deployed since its last down, or never down, but every deployment since was rolled back or
   * interrupted: nothing runs. `after` says what it came back to.
   */
  | {
      readonly state: 'not-running';
      readonly deploymentId: number;
      readonly outcome: 'rolled-back' | 'interrupted';
      readonly at?: string;
      readonly after: 'down' | 'nothing';
    };

export function stackRun(facts: StackRunFacts): StackRun {
  const newest = facts.deployments[0];
  if (facts.deployments.some((d) => d.status !== 'rolled-back' && d.status !== 'interrupted'))
    return { state: 'running' };
  if (newest === undefined)
    return facts.down
      ? { state: 'stopped', ...(facts.down.at !== undefined ? { at: facts.down.at } : {}) }
      : { state: 'never-deployed' };
  // Only rolled-back and interrupted ones are left (checked above).
  const outcome = newest.status === 'interrupted' ? 'interrupted' : 'rolled-back';
  return {
    state: 'not-running',
    deploymentId: newest.id,
    outcome,
    ...(newest.finishedAt !== undefined ? { at: newest.finishedAt } : {}),
    after: facts.down ? 'down' : 'nothing',
  };
}

/** What the health report says of a stack that runs nothing, with what to do; undefined otherwise. */
export function notRunningView(stack: string, run: StackRun): NotRunning | undefined {
  if (run.state === 'stopped')
    return {
      cause: 'down',
      ...(run.at !== undefined ? { at: run.at } : {}),
      hint: `\`berth up ${stack}\` starts it again`,
    };
  if (run.state !== 'not-running') return undefined;
  return {
    cause: 'deployment',
    ...(run.at !== undefined ? { at: run.at } : {}),
    deploymentId: run.deploymentId,
    outcome: run.outcome,
    after: run.after,
    hint: `\`berth deployments ${stack}\` says why deployment ${run.deploymentId} did not stay; fix that, then \`berth up ${stack}\``,
  };
}
