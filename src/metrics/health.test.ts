import { describe, expect, it } from 'vitest';
import { EventHub } from '../events/hub.js';
import { HealthService } from '../health/service.js';
import { openMemoryStore } from '../store/index.js';
import { recordHealth } from './health.js';
import { createMetrics } from './registry.js';

describe('recordHealth', () => {
  it('keeps probe up, last duration and the duration histogram, and drops a forgotten probe', async () => {
    const now = new Date('2026-06-10T10:00:00Z');
    const store = openMemoryStore({ now: () => now });
    const hub = new EventHub(store.events);
    const health = new HealthService({
      engine: async () => {
        throw new Error('no engine');
      },
      store: () => store,
      clock: { now: () => now, sleep: async () => {} },
      events: () => hub,
      subscribe: (l) => hub.subscribe(l),
      stacks: async () => [],
    });
    const metrics = createMetrics();
    recordHealth(metrics, health);
    const key = { stack: 'shop', service: 'web', probe: 'home' };
    const once = { failureThreshold: 1, successThreshold: 1 };
    health.recorder.record(key, { ok: true, at: now, latencyMs: 42, detail: 'ok' }, once);
    let text = await metrics.registry.metrics();
    expect(text).toContain('berth_probe_up{stack="shop",service="web",probe="home"} 1');
    expect(text).toContain(
      'berth_probe_last_duration_seconds{stack="shop",service="web",probe="home"} 0.042',
    );
    expect(text).toContain('berth_probe_duration_seconds_count{stack="shop",type="unknown"} 1');
    health.recorder.record(key, { ok: false, at: now, latencyMs: 5, detail: 'down' }, once);
    expect(await metrics.registry.metrics()).toContain(
      'berth_probe_up{stack="shop",service="web",probe="home"} 0',
    );
    health.recorder.forget([key]);
    text = await metrics.registry.metrics();
    expect(text).not.toContain('probe="home"');
    store.close();
  });
});
