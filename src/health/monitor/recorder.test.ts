import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../api/events.js';
import { EventHub } from '../../events/hub.js';
import { openMemoryStore } from '../../store/index.js';
import { ProbeRecorder } from './recorder.js';

const KEY = { stack: 'shop', service: 'web', probe: 'home' };
const ONCE = { failureThreshold: 1, successThreshold: 1 };

function kit(alive: (pid: number) => boolean = () => true) {
  let now = Date.parse('2026-06-10T10:00:00Z');
  const clock = { now: () => new Date(now), sleep: async () => {} };
  const store = openMemoryStore(clock, (owner) => alive(owner.pid));
  const hub = new EventHub(store.events);
  const events: StreamEvent[] = [];
  hub.subscribe((e) => events.push(e));
  const recorder = new ProbeRecorder({ store: () => store, events: () => hub, clock });
  const result = (ok: boolean) => {
    now += 1000;
    return { ok, at: new Date(now), latencyMs: 3, detail: ok ? 'ok' : 'connection refused' };
  };
  return { store, recorder, events, result };
}

const OWNER = { pid: 4242, host: 'box', token: 't1' };
const day = Date.parse('2026-06-10T00:00:00Z');
const uptimeOf = (k: ReturnType<typeof kit>) =>
  k.store.probes.buckets('day', day, 'shop').map((b) => ({ ok: b.ok, total: b.total }));

describe('ProbeRecorder', () => {
  it('publishes only changes, writes the batch before the event, and continues from the stored state', () => {
    const k = kit();
    k.recorder.record(KEY, k.result(true), ONCE);
    k.recorder.record(KEY, k.result(true), ONCE);
    expect(k.events).toEqual([]);
    k.recorder.record(KEY, k.result(false), ONCE);
    expect(k.events.map((e) => e.type)).toEqual(['probe-down']);
    expect(k.store.probes.get(KEY)?.status).toBe('down');
    // A new recorder (a restarted server) reads the state: the recovery is news.
    const again = new ProbeRecorder({
      store: () => k.store,
      events: () => new EventHub(k.store.events),
      clock: { now: () => new Date(), sleep: async () => {} },
    });
    expect(again.stateOf(KEY).status).toBe('down');
    k.store.close();
  });

  it('resolves the alert of a DOWN probe that is forgotten, and says nothing for an UP one', () => {
    const k = kit();
    const other = { ...KEY, probe: 'api' };
    k.recorder.record(KEY, k.result(false), ONCE);
    k.recorder.record(other, k.result(true), ONCE);
    k.recorder.forget([KEY, other]);
    const removed = k.events.filter((e) => e.type === 'probe-removed');
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatchObject({
      stack: 'shop',
      data: { alert: { key: 'probe:shop/web/home', status: 'resolved' } },
    });
    expect(k.store.probes.states()).toEqual([]);
    k.store.close();
  });

  it("leaves results out of uptime and alerts while Berth holds the stack's lock, and says why", () => {
    const k = kit();
    k.recorder.record(KEY, k.result(true), ONCE);
    const lock = k.store.locks.acquire('shop', { owner: OWNER });
    expect(lock.ok).toBe(true);
    const deployment = k.store.deployments.create({ stack: 'shop', trigger: 'cli', plan: {} });
    k.store.locks.attach('shop', OWNER.token, deployment.id);
    k.recorder.record(KEY, k.result(false), ONCE);
    k.recorder.record(KEY, k.result(false), ONCE);
    k.recorder.flush();
    // No DOWN (no alert), no failure history, no uptime lost; the last result is shown, with why.
    expect(k.events).toEqual([]);
    const held = k.store.probes.get(KEY);
    expect(held?.status).toBe('up');
    expect(held?.last).toMatchObject({
      ok: false,
      detail: `connection refused (not counted: Berth is deploying stack shop (deployment ${deployment.id}))`,
    });
    expect(k.store.probes.failures(KEY, 10)).toEqual([]);
    expect(uptimeOf(k)).toEqual([{ ok: 1, total: 1 }]);
    // Another stack's lock does not pause this one.
    const other = { ...KEY, stack: 'blog' };
    k.recorder.record(other, k.result(false), ONCE);
    expect(k.events.map((e) => `${e.stack}:${e.type}`)).toEqual(['blog:probe-down']);
    // Released: failures count again, and turn the probe DOWN.
    k.store.locks.release('shop', OWNER.token);
    k.recorder.record(KEY, k.result(false), ONCE);
    k.recorder.flush();
    expect(k.events.map((e) => `${e.stack}:${e.type}`)).toEqual(['blog:probe-down', 'shop:probe-down']);
    expect(k.store.probes.failures(KEY, 10)).toHaveLength(1);
    expect(uptimeOf(k)).toEqual([{ ok: 1, total: 2 }]);
    k.store.close();
  });

  it('lets a success during a hold step the state (a recovery is news) without counting it', () => {
    const k = kit();
    k.recorder.record(KEY, k.result(false), ONCE);
    k.store.locks.acquire('shop', { owner: OWNER });
    k.recorder.record(KEY, k.result(true), ONCE);
    k.recorder.flush();
    expect(k.events.map((e) => e.type)).toEqual(['probe-down', 'probe-up']);
    expect(k.events[1]?.data).toMatchObject({ detail: 'ok' });
    expect(k.store.probes.get(KEY)?.last?.detail).toBe(
      `ok (not counted: Berth holds stack shop for a change (a restore, restart, down or image prune; pid ${OWNER.pid} on box))`,
    );
    expect(uptimeOf(k)).toEqual([{ ok: 0, total: 1 }]);
    k.store.close();
  });

  it('counts results when the holder is dead, or when the caller saw a hold at the start of the run', () => {
    const k = kit(() => false);
    k.store.locks.acquire('shop', { owner: OWNER });
    k.recorder.record(KEY, k.result(false), ONCE);
    expect(k.events.map((e) => e.type)).toEqual(['probe-down']);
    k.recorder.record(KEY, k.result(true), ONCE, 'Berth is deploying stack shop (deployment 3)');
    k.recorder.flush();
    expect(uptimeOf(k)).toEqual([{ ok: 0, total: 1 }]);
    k.store.close();
  });
});
