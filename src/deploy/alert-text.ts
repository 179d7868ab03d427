import type { AlertHint } from '../api/alert-hint.js';
import type { ServiceFailure } from '../api/deploy.js';
import { failureText } from '../api/failure-text.js';

/**
 * What the last event of a failed deploy (`done`) says, once its outcome is known: that it was a
 * deploy (which one, of which stack), which service failed and why, and what happened next (rolled
 * back and the previous version serving, left in place by `rollback: manual`, or the rollback failed
 * too), with what to do. The alert of a failed deploy hangs on this event, never on the earlier
 * `failure` (which is told before the rollback runs). Pure; the caller masks the stack's secrets.
 */

export interface FailedDeploy {
  readonly stack: string;
  readonly deploymentId: number;
  readonly outcome: 'failed' | 'rolled-back';
  readonly failure: Pick<ServiceFailure, 'service' | 'reason' | 'detail'>;
  readonly rollbackProblem?: string;
  /** The stack ran nothing before this deploy (its first): a rollback leaves nothing running. */
  readonly first?: boolean;
  /** Backups taken before the deploy (data is never restored automatically). */
  readonly backups?: ReadonlyArray<{ readonly service: string; readonly id: string }>;
}

/** The alert of a failed deploy: an error notice, one per deployment. */
export function failedDeployHint(stack: string, service: string): AlertHint {
  return { key: `deploy:failure:${stack}/${service}`, status: 'notice', severity: 'error' };
}

/** The words of the `done` event (and so of the alert) of a deploy that did not succeed. */
export function failedDeployText(d: FailedDeploy): string {
  const { stack } = d;
  const head = `the deploy of ${stack} (deployment ${d.deploymentId}) failed at ${d.failure.service} (${failureText(d.failure)})`;
  const then =
    d.outcome === 'rolled-back'
      ? d.first
        ? `rolled back: nothing of it is left running (${stack} ran nothing before this deploy)`
        : 'rolled back: the previous version is serving'
      : d.rollbackProblem !== undefined
        ? `the rollback failed too (${d.rollbackProblem}): ${stack} may be running a mix of the two versions; look at \`berth ps ${stack}\`, then deploy a version that works with \`berth up ${stack}\``
        : `not rolled back (rollback: manual): the failed version is left in place for inspection; fix it and run \`berth up ${stack}\` again`;
  const backups =
    d.backups !== undefined && d.backups.length > 0
      ? `; backups taken before the deploy: ${d.backups.map((b) => `${b.service} ${b.id}`).join(', ')} (data not restored; \`berth backup restore\` if the new version changed it)`
      : '';
  return `${head}; ${then}${backups}. Why: \`berth deployments ${stack}\``;
}

/** The `data` of that `done` event: the outcome, and the alert hint that makes it the deploy's alert. */
export function failedDeployData(d: FailedDeploy): Readonly<Record<string, unknown>> {
  return {
    deployment: d.deploymentId,
    outcome: d.outcome,
    service: d.failure.service,
    reason: d.failure.reason,
    ...(d.rollbackProblem !== undefined ? { rollbackProblem: d.rollbackProblem } : {}),
    alert: failedDeployHint(d.stack, d.failure.service),
  };
}
