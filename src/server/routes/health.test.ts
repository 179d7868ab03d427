import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { healthApp } from '../../../test/support/health-app.js';
import type { HealthService } from '../../health/service.js';
import { openMemoryStore, type Store } from '../../store/index.js';

// The health routes through the app (no socket, no engine): results recorded by the recorder as the
// monitor would, read back with uptime; viewers see only their stacks.

const NOW = new Date('2026-06-10T10:30:00Z');
let store: Store;
let health: HealthService;
let call: Awaited<ReturnType<typeof healthApp>>['get'];

beforeEach(async () => {
  store = openMemoryStore({ now: () => NOW });
  ({ health, get: call } = await healthApp(store, NOW));
  const thresholds = { failureThreshold: 1, successThreshold: 1 };
  for (const [stack, ok] of [
    ['alpha', true],
    ['alpha', true],
    ['alpha', false],
    ['beta', true],
  ] as const) {
    health.recorder.record(
      { stack, service: 'web', probe: 'home' },
      { ok, at: NOW, latencyMs: 20, detail: ok ? 'ok' : '[STATUS] (503) == 200' },
      thresholds,
    );
  }
});
afterEach(() => store.close());

describe('GET /api/v1/health', () => {
  it('lists every probe with state, last result and uptime', async () => {
    const all = await call('/api/v1/health', 'viewer');
    expect(all.status).toBe(200);
    expect(all.json.items).toHaveLength(2);
    expect(all.json.items[0]).toMatchObject({
      stack: 'alpha',
      service: 'web',
      probe: 'home',
      status: 'down',
      watched: false,
      last: { ok: false, detail: '[STATUS] (503) == 200', latencyMs: 20 },
      meanLatencyMs: 20,
    });
    expect(all.json.items[0].uptime['24h']).toBeCloseTo(2 / 3);
    expect(all.json.items[0].uptime['30d']).toBeCloseTo(2 / 3);
    expect(all.json.crashLooping).toEqual([]);
  });

  it('shows a viewer of one stack only that stack', async () => {
    const mine = await call('/api/v1/health', 'alpha-viewer');
    expect(mine.json.items.map((p: { stack: string }) => p.stack)).toEqual(['alpha']);
    const filtered = await call('/api/v1/health?stack=beta', 'viewer');
    expect(filtered.json.items.map((p: { stack: string }) => p.stack)).toEqual(['beta']);
  });
});

describe('GET /api/v1/stacks/:stack/health/:service/:probe', () => {
  it('gives one probe with its failures and hourly buckets', async () => {
    const detail = await call('/api/v1/stacks/alpha/health/web/home', 'alpha-viewer');
    expect(detail.status).toBe(200);
    expect(detail.json.failures).toEqual([
      { at: NOW.toISOString(), latencyMs: 20, detail: '[STATUS] (503) == 200' },
    ]);
    expect(detail.json.hours).toEqual([
      { start: '2026-06-10T10:00:00.000Z', ok: 2, total: 3, meanLatencyMs: 20 },
    ]);
  });

  it('answers 404 with a hint for an unknown probe, 403 outside the caller’s stacks', async () => {
    const missing = await call('/api/v1/stacks/alpha/health/web/nope', 'alpha-viewer');
    expect(missing.status).toBe(404);
    expect(missing.json).toMatchObject({
      code: 'HEALTH_PROBE_NOT_FOUND',
      hint: expect.stringMatching(/berth health/),
    });
    expect((await call('/api/v1/stacks/beta/health/web/home', 'alpha-viewer')).status).toBe(403);
  });
});
