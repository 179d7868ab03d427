import { describe, expect, it } from 'vitest';
import type { DeploymentEvent } from '../store/index.js';
import { recoveryLines } from './history.js';

const event = (over: Partial<DeploymentEvent>): DeploymentEvent => ({
  deploymentId: 2,
  seq: 1,
  at: '2026-12-07T21:00:00.000Z',
  type: 'progress',
  message: 'starting shop-web-1',
  ...over,
});

describe('recoveryLines', () => {
  it('keeps only what putting the deployment back did, oldest first, masked', () => {
    const lines = recoveryLines(
      [
        event({ seq: 1, service: 'web', message: 'web: check failed (exit 1)' }),
        event({
          seq: 2,
          at: '2026-12-07T21:05:00.000Z',
          type: 'rollback',
          service: 'web',
          message: 'recovered from interrupted deployment 2: restored the last good shop-web-1 (s3cret)',
          data: { recovery: true },
        }),
        event({
          seq: 3,
          at: '2026-12-07T21:05:01.000Z',
          type: 'cleanup',
          message:
            'recovered from interrupted deployment 2: removed shop-worker-1, which never passed its gate',
          data: { recovery: true },
        }),
      ],
      (text) => text.replaceAll('s3cret', '********'),
    );
    expect(lines).toEqual([
      {
        at: '2026-12-07T21:05:00.000Z',
        service: 'web',
        message: 'recovered from interrupted deployment 2: restored the last good shop-web-1 (********)',
      },
      {
        at: '2026-12-07T21:05:01.000Z',
        message:
          'recovered from interrupted deployment 2: removed shop-worker-1, which never passed its gate',
      },
    ]);
  });

  it('finds the steps of records written before they were marked, by their message', () => {
    const old = event({ type: 'rollback', message: 'recovered from interrupted deployment 2: restored x' });
    expect(recoveryLines([old], (t) => t).map((l) => l.message)).toEqual([old.message]);
  });

  it('is empty for a deployment nothing was put back for', () => {
    expect(recoveryLines([event({}), event({ seq: 2, data: { recovery: false } })], (t) => t)).toEqual([]);
  });
});
