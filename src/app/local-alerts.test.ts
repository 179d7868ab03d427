import { afterEach, describe, expect, it } from 'vitest';
import { classify } from '../alerts/classify.js';
import { BackupError } from '../backup/errors.js';
import { DeployError } from '../deploy/errors.js';
import { EventHub } from '../events/hub.js';
import { openMemoryStore, type Store } from '../store/index.js';
import { alertedFailure } from './local-alerts.js';

// `berth --local`: a failed operation is stored as the runner's `finished` event of a failed one, for
// a `berth serve` on the same state file to alert; the command's own error is thrown on as it came.

let store: Store;
afterEach(() => store?.close());

function hub() {
  store = openMemoryStore({ now: () => new Date() });
  return new EventHub(store.events);
}

const alerts = (events: EventHub) =>
  events
    .backlog(0, 100)
    .map((e) => [e.stack, `${e.kind}/${e.type}`, classify(e)?.key, e.message])
    .filter(([, , key]) => key !== undefined);

describe('alertedFailure', () => {
  it('stores a failed restore as its alert, on the stack it restores into, and throws the same error', async () => {
    const events = hub();
    const error = new BackupError(
      'BACKUP_INTEGRITY',
      'restore of B1 failed, and so did putting back S1',
      'restore S1 by hand',
    );
    const done = alertedFailure(
      () => events,
      { kind: 'restore', stack: 'copy', told: () => false },
      async () => {
        throw error;
      },
    );
    await expect(done).rejects.toBe(error);
    expect(alerts(events)).toEqual([
      [
        'copy',
        'operation/finished',
        'operation-failed:copy/restore',
        'a restore into copy failed: restore of B1 failed, and so did putting back S1 [BACKUP_INTEGRITY]. Next: restore S1 by hand',
      ],
    ]);
  });

  it('stores nothing when it succeeds, when an event of it was alerted, or for an unknown stack', async () => {
    const events = hub();
    expect(
      await alertedFailure(
        () => events,
        { kind: 'up', stack: 'shop', told: () => false },
        async () => 7,
      ),
    ).toBe(7);
    const failing = (error: Error, told: boolean) =>
      alertedFailure(
        () => events,
        { kind: 'up', stack: 'shop', told: () => told },
        async () => {
          throw error;
        },
      ).catch(() => undefined);
    await failing(new DeployError('DEPLOY_PULL_FAILED', 'no image', 'build it'), true);
    await failing(new DeployError('DEPLOY_STACK_NOT_FOUND', 'no stack shop', 'look at berth ls'), false);
    expect(events.backlog(0, 100)).toEqual([]);
  });

  it('throws the command’s error even when the alert cannot be stored', async () => {
    const error = new DeployError('DEPLOY_PULL_FAILED', 'no image', 'build it');
    const broken = () => ({
      publish: (): never => {
        throw new Error('disk I/O error');
      },
    });
    await expect(
      alertedFailure(broken, { kind: 'up', stack: 'shop', told: () => false }, async () => {
        throw error;
      }),
    ).rejects.toBe(error);
  });
});
