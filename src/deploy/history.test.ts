import { describe, expect, it } from 'vitest';
import type { DeploymentEvent } from '../store/index.js';
import { recoveryLines } from './history.js';

const event = (over: Partial<DeploymentEvent>): DeploymentEvent => ({
  deploymentId: 2,
  seq: 1,
  at: '2026-12-07T21:00:00.000Z',
  type: 'rollback',
  message: 'recovered from interrupted deployment 2: restored x',
  ...over,
});

describe('recoveryLines', () => {
  it('shows each recovery step with its time and service, oldest first, masked', () => {
    const lines = recoveryLines(
      [
        event({
          seq: 2,
          at: '2026-12-07T21:05:00.000Z',
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

  it('is empty for a deployment nothing was put back for', () => {
    expect(recoveryLines([], (t) => t)).toEqual([]);
  });
});
