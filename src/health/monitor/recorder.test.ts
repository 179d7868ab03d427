import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../api/events.js';
import { EventHub } from '../../events/hub.js';
import { openMemoryStore } from '../../store/index.js';
import { ProbeRecorder } from './recorder.js';

const KEY = { stack: 'shop', service: 'web', probe: 'home' };
const ONCE = { failureThreshold: 1, successThreshold: 1 };

function kit() {
  let now = Date.parse('2026-06-10T10:00:00Z');
  const clock = { now: () => new Date(now), sleep: async () => {} };
  const store = openMemoryStore(clock);
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
});
