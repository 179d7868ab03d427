import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { quietLoggers } from '../../test/support/quiet-loggers.js';
import { makeTempDir } from '../../test/support/store.js';
import { AlertService } from '../alerts/service.js';
import { ALERTS_CURSOR } from '../alerts/tail.js';
import { type ManualClock, manualClock } from '../clock.js';
import { EventHub } from '../events/hub.js';
import { openStore, type Store, type StoreEventInput } from '../store/index.js';
import { alertRouting } from './alert-routing.js';
import { Lifecycle } from './lifecycle.js';

// The alerts service as `berth serve` registers it, over a real state file that a second connection
// (the CLI with --local, another process) writes to as well.

const failedBackup: StoreEventInput = {
  kind: 'backup',
  type: 'failed',
  stack: 'shop',
  service: 'db',
  message: 'the backup of shop/db failed',
};

let temp: ReturnType<typeof makeTempDir>;
let clock: ManualClock;
let server: Store;
let cli: Store;
let hub: EventHub;
let lifecycle: Lifecycle;

beforeEach(async () => {
  temp = makeTempDir('berth-background-');
  clock = manualClock(new Date('2026-03-02T03:00:00.000Z'));
  const path = join(temp.dir, 'berth.db');
  server = openStore({ path, clock, isAlive: () => true });
  cli = openStore({ path, clock, isAlive: () => true });
  hub = new EventHub(server.events);
  const alerts = new AlertService({ store: () => server, clock, settings: () => undefined });
  lifecycle = new Lifecycle();
  lifecycle.register(
    alertRouting({
      store: () => server,
      clock,
      events: () => hub,
      loggers: quietLoggers(),
      alerts: () => alerts,
    }),
  );
  await lifecycle.start();
});
afterEach(async () => {
  await lifecycle.stop(0);
  server.close();
  cli.close();
  temp.cleanup();
});

const alertsOf = (id: number) => server.alerts.recentAlerts(100).filter((a) => a.eventId === id);

describe('alert routing in berth serve', () => {
  it("alerts on a failure another process stored, and on the server's own events once", async () => {
    const theirs = cli.events.append(failedBackup);
    const own = hub.publish({ ...failedBackup, service: 'cache' });
    expect(alertsOf(own.id)).toHaveLength(1);
    expect(alertsOf(theirs.id)).toHaveLength(0);
    await clock.advance(1000);
    expect(alertsOf(theirs.id)).toHaveLength(1);
    await clock.advance(10_000);
    expect(alertsOf(own.id)).toHaveLength(1);
    expect(alertsOf(theirs.id)).toHaveLength(1);
  });

  it('stops routing on shutdown and saves where it got', async () => {
    const own = hub.publish(failedBackup);
    await lifecycle.stop(0);
    expect(server.eventCursors.get(ALERTS_CURSOR)?.eventId).toBe(own.id);
    const late = cli.events.append(failedBackup);
    hub.publish({ ...failedBackup, service: 'cache' });
    await clock.advance(5000);
    expect(alertsOf(late.id)).toHaveLength(0);
    expect(server.alerts.recentAlerts(100)).toHaveLength(1);
  });
});
