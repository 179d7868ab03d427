import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeClock, makeTempDir } from '../../test/support/store.js';
import type { NewAlert, NewDelivery } from './alerts.js';
import { openMemoryStore, openStore, type Store } from './db.js';

// Alerts and their delivery queue: one open alert per key, deliveries due by time, the outcome of
// each attempt, and what survives a restart.

const clock = fakeClock('2026-03-01T10:00:00.000Z');
const T0 = clock.now().getTime();
let store: Store;
beforeEach(() => {
  store = openMemoryStore(clock);
});
afterEach(() => store.close());

const alert = (key: string, extra: Partial<NewAlert> = {}): NewAlert => ({
  key,
  state: 'open',
  severity: 'critical',
  kind: 'health',
  type: 'probe-down',
  stack: 'shop',
  service: 'web',
  message: 'probe home is down',
  eventId: 7,
  openedAt: '2026-03-01T10:00:00.000Z',
  routes: [{ channel: 'ops', remindEveryMs: 60_000, nextRemindAt: T0 + 60_000 }, { channel: 'mail' }],
  ...extra,
});
const to = (channel: string, nextAt = T0, kind: NewDelivery['kind'] = 'open'): NewDelivery => ({
  channel,
  kind,
  payload: { summary: `to ${channel}` },
  nextAt,
});

describe('alert store', () => {
  it('keeps one open alert per key: an open that repeats writes nothing', () => {
    const first = store.alerts.insert(alert('probe:shop/web/home'), [to('ops'), to('mail')]);
    expect(first).toMatchObject({
      id: 1,
      state: 'open',
      stack: 'shop',
      eventId: 7,
      routes: alert('x').routes,
    });
    expect(store.alerts.insert(alert('probe:shop/web/home'), [to('ops')])).toBeUndefined();
    expect(store.alerts.recentDeliveries(10)).toHaveLength(2);
    expect(store.alerts.openAlert('probe:shop/web/home')?.id).toBe(1);

    const resolved = store.alerts.resolve(1, '2026-03-01T10:05:00.000Z', [to('ops', T0, 'resolve')]);
    expect(resolved).toMatchObject({ state: 'resolved', resolvedAt: '2026-03-01T10:05:00.000Z' });
    expect(store.alerts.resolve(1, '2026-03-01T10:06:00.000Z', [to('ops', T0, 'resolve')])).toBeUndefined();
    expect(store.alerts.openAlert('probe:shop/web/home')).toBeUndefined();
    // Once resolved, the same condition may open again.
    const again = store.alerts.insert(alert('probe:shop/web/home'), []);
    expect(again?.id).toBeGreaterThan(1);
    // Notices never block each other.
    const n1 = store.alerts.insert(alert('backup:failed:shop/db', { state: 'notice' }), []);
    const n2 = store.alerts.insert(alert('backup:failed:shop/db', { state: 'notice' }), []);
    expect(n1 && n2 && n1.id !== n2.id).toBe(true);
    expect(store.alerts.openAlerts().map((a) => a.id)).toEqual([again?.id]);
  });

  it('hands out a channel’s due deliveries oldest first, and says when the next one is due', () => {
    store.alerts.insert(alert('a'), [to('ops', T0 + 30_000), to('mail', T0)]);
    store.alerts.insert(alert('b'), [to('ops', T0 + 10_000)]);
    expect(store.alerts.due('ops', T0, 10)).toEqual([]);
    expect(store.alerts.nextDueAt('ops')).toBe(T0 + 10_000);
    expect(store.alerts.due('ops', T0 + 30_000, 10).map((d) => [d.alertKey, d.nextAt])).toEqual([
      ['b', T0 + 10_000],
      ['a', T0 + 30_000],
    ]);
    expect(store.alerts.due('ops', T0 + 30_000, 1)).toHaveLength(1);
    expect(store.alerts.pendingChannels()).toEqual(['mail', 'ops']);
    expect(store.alerts.nextDueAt('nobody')).toBeUndefined();
  });

  it('records each attempt: retried, delivered (the alert’s last send), dead; only a pending one changes', () => {
    store.alerts.insert(alert('a'), [to('ops'), to('mail')]);
    const [ops, mail] = store.alerts.due('ops', T0, 10).concat(store.alerts.due('mail', T0, 10));
    if (!ops || !mail) throw new Error('expected two deliveries');
    store.alerts.retry(ops.id, 1, T0 + 10_000, 'HTTP 502 from hooks.example.com');
    expect(store.alerts.getDelivery(ops.id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      nextAt: T0 + 10_000,
      lastError: 'HTTP 502 from hooks.example.com',
    });
    clock.advance(10_000);
    store.alerts.delivered(ops.id, 2);
    expect(store.alerts.getDelivery(ops.id)).toMatchObject({
      status: 'delivered',
      attempts: 2,
      deliveredAt: '2026-03-01T10:00:10.000Z',
    });
    expect(store.alerts.getDelivery(ops.id)?.lastError).toBeUndefined();
    expect(store.alerts.openAlert('a')?.lastSentAt).toBe('2026-03-01T10:00:10.000Z');
    store.alerts.dead(mail.id, 7, 'connection refused');
    store.alerts.delivered(mail.id, 8);
    expect(store.alerts.getDelivery(mail.id)).toMatchObject({
      status: 'dead',
      attempts: 7,
      lastError: 'connection refused',
    });
    expect(store.alerts.pendingChannels()).toEqual([]);
  });

  it('moves reminders on and queues them, unless the alert was resolved meanwhile', () => {
    const a = store.alerts.insert(alert('a'), []);
    if (!a) throw new Error('not inserted');
    const routes = [{ channel: 'ops', remindEveryMs: 60_000, nextRemindAt: T0 + 120_000 }];
    store.alerts.remind(a.id, routes, [to('ops', T0 + 60_000, 'reminder')]);
    expect(store.alerts.openAlert('a')?.routes).toEqual(routes);
    expect(store.alerts.due('ops', T0 + 60_000, 10).map((d) => [d.kind, d.alertId, d.alertKey])).toEqual([
      ['reminder', a.id, 'a'],
    ]);
    store.alerts.resolve(a.id, '2026-03-01T10:02:00.000Z', []);
    store.alerts.remind(a.id, routes, [to('ops', T0, 'reminder')]);
    expect(store.alerts.recentDeliveries(10)).toHaveLength(1);
  });

  it('records test messages as deliveries of no alert, and lists newest first', () => {
    store.alerts.insert(alert('a'), [to('ops')]);
    const test = store.alerts.addDelivery('test:ops', to('ops', T0, 'test'));
    expect(test).toMatchObject({ alertKey: 'test:ops', kind: 'test', status: 'pending', attempts: 0 });
    expect(test.alertId).toBeUndefined();
    expect(store.alerts.recentDeliveries(10).map((d) => d.kind)).toEqual(['test', 'open']);
    expect(store.alerts.recentAlerts(10).map((a) => a.key)).toEqual(['a']);
    expect(() => store.alerts.recentAlerts(0)).toThrow(/invalid limit/);
    // A test a stopped process left pending is given up, not sent later.
    expect(store.alerts.abandonTests('interrupted')).toBe(1);
    expect(store.alerts.getDelivery(test.id)).toMatchObject({ status: 'dead', lastError: 'interrupted' });
    expect(store.alerts.due('ops', T0, 10).map((d) => d.kind)).toEqual(['open']);
  });

  it('prunes what is settled and old; keeps open alerts and anything pending', () => {
    const old = store.alerts.insert(alert('old', { state: 'notice' }), [to('ops')]);
    const open = store.alerts.insert(alert('open'), [to('ops')]);
    const waiting = store.alerts.insert(alert('waiting', { state: 'notice' }), [to('mail')]);
    if (!old || !open || !waiting) throw new Error('not inserted');
    const [oldDelivery] = store.alerts.due('ops', T0, 1);
    if (!oldDelivery) throw new Error('no delivery');
    store.alerts.delivered(oldDelivery.id, 1);
    const test = store.alerts.addDelivery('test:ops', to('ops', T0, 'test'));
    store.alerts.dead(test.id, 1, 'refused');
    expect(store.alerts.prune('2026-03-02T00:00:00.000Z')).toBe(2);
    expect(store.alerts.recentAlerts(10).map((a) => a.key)).toEqual(['waiting', 'open']);
    expect(store.alerts.recentDeliveries(10).map((d) => d.alertKey)).toEqual(['waiting', 'open']);
  });

  it('keeps pending deliveries across a reopen of the file', () => {
    const { dir, cleanup } = makeTempDir();
    try {
      const path = join(dir, 'berth.db');
      const first = openStore({ path, clock, isAlive: () => true });
      first.alerts.insert(alert('a'), [to('ops', T0 + 5000)]);
      first.close();
      const again = openStore({ path, clock, isAlive: () => true });
      expect(again.alerts.due('ops', T0 + 5000, 10).map((d) => d.payload)).toEqual([{ summary: 'to ops' }]);
      again.close();
    } finally {
      cleanup();
    }
  });
});
