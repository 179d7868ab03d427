import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { quietLoggers } from '../../test/support/quiet-loggers.js';
import { makeTempDir } from '../../test/support/store.js';
import { AlertService } from '../alerts/service.js';
import { type ManualClock, manualClock } from '../clock.js';
import { EventHub } from '../events/hub.js';
import { interruptedError } from '../operations/interrupted.js';
import { OperationRunner } from '../operations/runner.js';
import { openStore, type Store } from '../store/index.js';
import { alertRouting } from './alert-routing.js';
import type { Stacks } from './lazy-stacks.js';
import { Lifecycle } from './lifecycle.js';
import { operationsService } from './operations-service.js';

// `berth serve` at start, over a state file a dead process left operations running in: each one
// is alerted once its recovery ended, saying what the recovery did and what to do next.

let temp: ReturnType<typeof makeTempDir>;
let clock: ManualClock;
let store: Store;
let hub: EventHub;

beforeEach(() => {
  temp = makeTempDir('berth-interrupted-');
  clock = manualClock(new Date('2026-12-07T22:00:00.000Z'));
  store = openStore({ path: join(temp.dir, 'berth.db'), clock, isAlive: () => true });
  hub = new EventHub(store.events);
});
afterEach(() => {
  store.close();
  temp.cleanup();
});

const left = (id: string, kind: 'restore' | 'up' | 'job') =>
  store.operations.start({ id, stack: 'shop', kind, actor: 'alice', requestId: `r-${id}` });

async function serveStarts(restores: () => Promise<string | undefined>, recover: Stacks['recover']) {
  const log = quietLoggers().for('server');
  const alerts = new AlertService({ store: () => store, clock, settings: () => undefined });
  const runner = new OperationRunner({
    operations: store.operations,
    events: hub,
    clock,
    newId: () => 'op-new',
    markInterrupted: () => undefined,
    interruptedError: (op) =>
      interruptedError(op.kind, op.stack, { stack: 'shop', service: 'db', safety: 'S1', writing: true }),
  });
  const lifecycle = new Lifecycle();
  lifecycle.register(
    alertRouting({
      store: () => store,
      clock,
      events: () => hub,
      loggers: quietLoggers(),
      alerts: () => alerts,
    }),
  );
  lifecycle.register(
    operationsService({
      runner: () => runner,
      stacks: () => ({ recover }),
      restores,
      events: () => hub,
      log,
    }),
  );
  await lifecycle.start();
  return lifecycle;
}

const interrupted = () =>
  store.alerts.recentAlerts(100).filter((a) => a.key === 'operation-interrupted:shop');

describe('operations a dead process left', () => {
  it('alerts an interrupted restore once its recovery ran, with what it did and its safety backup', async () => {
    left('op-1', 'restore');
    let recovered!: (message: string) => void;
    const recovery = new Promise<string>((resolve) => {
      recovered = resolve;
    });
    const lifecycle = await serveStarts(
      () => recovery,
      async () => undefined,
    );
    // Not before the recovery says what it did.
    expect(interrupted()).toHaveLength(0);
    recovered('recovered from interrupted restore op-1 of backup B into shop/db: started shop-web-1 again');
    await recovery;
    await clock.advance(0);
    const alerts = interrupted();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      severity: 'error',
      kind: 'operation',
      type: 'interrupted',
      stack: 'shop',
    });
    expect(alerts[0]?.message).toContain('restore op-1 of shop was interrupted');
    expect(alerts[0]?.message).toContain('started shop-web-1 again');
    expect(alerts[0]?.message).toContain('`berth backup restore shop S1`');
    await lifecycle.stop(0);
  });

  it('alerts an interrupted deploy with what was put back, and a job at once', async () => {
    left('op-2', 'up');
    left('op-3', 'job');
    const lifecycle = await serveStarts(
      async () => undefined,
      async (_stack, onEvent) =>
        onEvent?.({ type: 'rollback', message: 'started shop-web-1 (last good) again' }),
    );
    await clock.advance(0);
    const messages = interrupted().map((a) => a.message);
    expect(messages).toHaveLength(2);
    expect(messages.find((m) => m.startsWith('up op-2'))).toContain(
      'At start, Berth put back what it left: started shop-web-1 (last good) again. Next: run it again: `berth up shop` converges',
    );
    expect(messages.find((m) => m.startsWith('job op-3'))).toContain('`berth job run shop SERVICE JOB`');
    await lifecycle.stop(0);
  });
});
