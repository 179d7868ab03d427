import { EventHub } from '../../../src/events/hub.js';
import type { Loggers } from '../../../src/log/index.js';
import { OperationRunner } from '../../../src/operations/runner.js';
import { capturedLoggers } from '../../support/quiet-loggers.js';
import type { DeployHarness } from './support.js';

/**
 * An operation runner over the harness's store, as `berth serve` runs deploys, with debug loggers
 * whose every line is kept: `logText()` is what the server log would hold.
 */
export function loggedRunner(h: DeployHarness): {
  runner: OperationRunner;
  loggers: Loggers;
  logText: () => string;
} {
  const { loggers, text } = capturedLoggers('debug');
  const runner = new OperationRunner({
    operations: h.store.operations,
    events: new EventHub(h.store.events),
    clock: h.clock,
    newId: () => `op_${Math.random().toString(36).slice(2)}`,
    markInterrupted: (stack, reason) => h.store.deployments.markInterrupted(stack, reason),
    logger: loggers.for('server'),
  });
  return { runner, loggers, logText: text };
}
