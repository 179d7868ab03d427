import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../test/support/store.js';
import { type ManualClock, manualClock } from '../clock.js';
import { EventHub } from '../events/hub.js';
import { openStore, type Store, type StoreEventInput } from '../store/index.js';
import { AlertService } from './service.js';
import { ALERTS_CURSOR, EventTail } from './tail.js';

// The server's tail over a REAL state file, with a second connection on the same file standing for
// another process (the CLI with --local): what it stores reaches alerting once, and what the
// server publishes itself is handled as it is published and never again.

const failedBackup: StoreEventInput = {
  kind: 'backup',
  type: 'failed',
  stack: 'shop',
  service: 'db',
  message: 'the backup of shop/db failed: mysqldump exited 2',
};

let temp: ReturnType<typeof makeTempDir>;
let path: string;
let clock: ManualClock;
let opened: Store[];
let server: Store;
let other: Store;

const open = (at: { now: () => Date } = clock): Store => {
  const store = openStore({ path, clock: at, isAlive: () => true });
  opened.push(store);
  return store;
};

/** The server side: a hub, a real AlertService (no channels: alerts are still recorded) and the tail. */
function serverSide(store: Store, options: { reads?: number[] } = {}) {
  const hub = new EventHub(store.events);
  const alerts = new AlertService({ store: () => store, clock, settings: () => undefined });
  const handled: number[] = [];
  const events = {
    ...store.events,
    after: (query: Parameters<Store['events']['after']>[0]) => {
      options.reads?.push(query.after);
      return store.events.after(query);
    },
  };
  const tail = new EventTail({
    store: () => ({ events, eventCursors: store.eventCursors }),
    clock,
    handle: (e) => {
      handled.push(e.id);
      alerts.handle(e);
    },
  });
  const unsubscribe = hub.subscribe((e) => tail.live(e));
  return {
    hub,
    tail,
    handled,
    alertsOf: (id: number) => store.alerts.recentAlerts(100).filter((a) => a.eventId === id),
    stop: async () => {
      unsubscribe();
      await tail.stop();
    },
  };
}

beforeEach(() => {
  temp = makeTempDir('berth-tail-');
  path = join(temp.dir, 'berth.db');
  clock = manualClock(new Date('2026-03-02T03:00:00.000Z'));
  opened = [];
  server = open();
  other = open();
});
afterEach(() => {
  for (const store of opened) store.close();
  temp.cleanup();
});

describe('the alert tail', () => {
  it('routes a failed backup stored by another process to alerting, once', async () => {
    const side = serverSide(server);
    side.tail.start();
    const stored = other.events.append(failedBackup);
    expect(side.alertsOf(stored.id)).toHaveLength(0);
    await clock.advance(1000);
    expect(side.alertsOf(stored.id)).toMatchObject([
      { kind: 'backup', type: 'failed', state: 'notice', severity: 'error', stack: 'shop' },
    ]);
    other.events.append({ kind: 'deploy', type: 'gate', stack: 'shop', message: 'db healthy' });
    await clock.advance(5000);
    expect(side.alertsOf(stored.id)).toHaveLength(1);
    expect(side.handled.filter((id) => id === stored.id)).toHaveLength(1);
    await side.stop();
  });

  it('handles its own events as they are published, and never again when reading the others', async () => {
    const side = serverSide(server);
    side.tail.start();
    const own = side.hub.publish(failedBackup);
    // Synchronous: the alert is recorded before publish returns, without waiting for the tail.
    expect(side.alertsOf(own.id)).toHaveLength(1);
    const theirs = other.events.append({ ...failedBackup, service: 'cache' });
    const ownLater = side.hub.publish({ ...failedBackup, service: 'search' });
    await clock.advance(3000);
    expect(side.alertsOf(own.id)).toHaveLength(1);
    expect(side.alertsOf(ownLater.id)).toHaveLength(1);
    expect(side.alertsOf(theirs.id)).toHaveLength(1);
    expect(side.handled).toEqual([own.id, ownLater.id, theirs.id]);
    await side.stop();
  });

  it('does not query the events while no other connection committed, and still moves past its own', async () => {
    const reads: number[] = [];
    const side = serverSide(server, { reads });
    side.tail.start();
    expect(reads).toHaveLength(1);
    const own = side.hub.publish(failedBackup);
    await clock.advance(5000);
    expect(reads).toHaveLength(1);
    expect(side.tail.position).toBe(own.id);
    other.events.append({ kind: 'deploy', type: 'gate', stack: 'shop', message: 'db healthy' });
    await clock.advance(1000);
    expect(reads).toEqual([0, own.id]);
    await side.stop();
  });

  it('does not replay history on the first start, and routes on restart what was stored while stopped', async () => {
    const history = other.events.append(failedBackup);
    const first = serverSide(server);
    first.tail.start();
    await clock.advance(2000);
    expect(first.handled).toEqual([]);
    const own = first.hub.publish({ ...failedBackup, service: 'cache' });
    await first.stop();
    expect(server.eventCursors.get(ALERTS_CURSOR)?.eventId).toBe(own.id);

    // Stopped: a cron `berth --local backup` fails at 03:00; another, two days old, is put back too.
    const stale = open({ now: () => new Date('2026-02-28T03:00:00.000Z') });
    const old = stale.events.append({ ...failedBackup, service: 'old' });
    const whileDown = other.events.append(failedBackup);
    clock = manualClock(new Date('2026-03-02T07:00:00.000Z'));
    const second = serverSide(server);
    second.tail.start();
    expect(second.handled).toEqual([whileDown.id]);
    expect(second.alertsOf(whileDown.id)).toHaveLength(1);
    expect(second.alertsOf(old.id)).toHaveLength(0);
    expect(second.alertsOf(history.id)).toHaveLength(0);
    expect(second.alertsOf(own.id)).toHaveLength(1);
    await second.stop();
  });

  it('stops reading when stopped, and saves where it got', async () => {
    const side = serverSide(server);
    side.tail.start();
    await side.stop();
    const after = other.events.append(failedBackup);
    await clock.advance(5000);
    expect(side.handled).toEqual([]);
    expect(server.eventCursors.get(ALERTS_CURSOR)?.eventId).toBe(after.id - 1);
  });
});
