import { describe, expect, it } from 'vitest';
import { alertHintOf } from '../api/alert-hint.js';
import { type FailedDeploy, failedDeployData, failedDeployText } from './alert-text.js';

// The words of a failed deploy's alert: a deploy (which), of which stack, which service failed and
// why, and what happened next, with what to do.

const failed: FailedDeploy = {
  stack: 'shop',
  deploymentId: 12,
  outcome: 'rolled-back',
  failure: { service: 'web', reason: 'unhealthy', detail: 'health check failed 3 times' },
};

describe('failedDeployText', () => {
  it('says a deploy of the stack failed at its service, and that the previous version is serving', () => {
    expect(failedDeployText(failed)).toBe(
      'the deploy of shop (deployment 12) failed at web (unhealthy: health check failed 3 times); rolled back: the previous version is serving. Why: `berth deployments shop`',
    );
  });

  it('does not speak of a previous version after a first deploy', () => {
    const text = failedDeployText({ ...failed, first: true });
    expect(text).toContain(
      'rolled back: nothing of it is left running (shop ran nothing before this deploy)',
    );
    expect(text).not.toContain('previous version');
  });

  it('says when the rollback failed too, and what to do', () => {
    const text = failedDeployText({
      ...failed,
      outcome: 'failed',
      rollbackProblem: 'could not start shop-web-1',
    });
    expect(text).toContain('failed at web (unhealthy: health check failed 3 times)');
    expect(text).toContain('the rollback failed too (could not start shop-web-1)');
    expect(text).toContain('`berth ps shop`');
    expect(text).not.toContain('previous version is serving');
  });

  it('says a manual rollback left the failed version in place', () => {
    const text = failedDeployText({ ...failed, outcome: 'failed' });
    expect(text).toContain('not rolled back (rollback: manual)');
    expect(text).toContain('`berth up shop`');
  });

  it('names the backups taken before the deploy', () => {
    const text = failedDeployText({ ...failed, backups: [{ service: 'db', id: 'b-1' }] });
    expect(text).toContain('backups taken before the deploy: db b-1 (data not restored');
  });
});

describe('failedDeployData', () => {
  it('carries the deployment, its outcome and an error notice keyed by stack and service', () => {
    const data = failedDeployData({ ...failed, outcome: 'failed', rollbackProblem: 'x' });
    expect(data).toMatchObject({ deployment: 12, outcome: 'failed', service: 'web', rollbackProblem: 'x' });
    expect(alertHintOf(data)).toEqual({
      key: 'deploy:failure:shop/web',
      status: 'notice',
      severity: 'error',
    });
  });
});
