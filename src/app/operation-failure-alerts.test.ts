import { describe, expect, it } from 'vitest';
import { useTempBerths } from '../../test/support/temp-berth.js';
import { classify } from '../alerts/classify.js';
import { DeployError } from '../deploy/errors.js';

// The runner as createBerth wires it: a failed operation is alerted by its `finished` event unless
// an event of it raised an alert as the alert router classifies it, a hint or not (a removal's
// `failure`: an error notice of its own).

const { berth } = useTempBerths('berth-failure-alerts-');

const gone = () =>
  new DeployError('DEPLOY_INVALID_STACK', 'shop-web-1 did not come back', 'look at the logs');

describe('the alert of a failed operation, as createBerth wires the runner', () => {
  it('hangs on the finished event of a failed restart, and not on a removal whose failure was alerted', async () => {
    const b = berth();
    const runner = b.runner();
    const asked = { stack: 'shop', actor: 'alice', requestId: 'req-1' };
    runner.start({
      ...asked,
      kind: 'restart',
      run: async () => {
        throw gone();
      },
    });
    runner.start({
      ...asked,
      stack: 'mail',
      kind: 'down',
      run: async ({ onEvent }) => {
        onEvent({ type: 'failure', service: 'web', message: 'could not remove mail-web-1: busy' });
        throw gone();
      },
    });
    await runner.idle();
    const alerted = b
      .events()
      .backlog(0, 100)
      .map((e) => [e.stack, `${e.kind}/${e.type}`, classify(e)?.key])
      .filter(([, , key]) => key !== undefined);
    expect(alerted).toEqual([
      ['mail', 'deploy/failure', 'deploy:failure:mail/web'],
      ['shop', 'operation/finished', 'operation-failed:shop/restart'],
    ]);
    await b.stop(0);
  });
});
