import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CONTROL_TOKENS,
  type ControlToken,
  TableStacks,
  tableControl,
} from '../../../test/support/control.js';
import { tableAuthenticator, testDeps } from '../../../test/support/http-app.js';
import { writeTree } from '../../../test/support/tree.js';
import { EngineError } from '../../engine/model.js';
import { HealthService } from '../../health/service.js';
import { openMemoryStore, type Store } from '../../store/index.js';
import { createApp } from '../app.js';

// The health routes through the app (no socket, no engine): results recorded by the recorder as the
// monitor would, read back with uptime; viewers see only their stacks.

const NOW = new Date('2026-06-10T10:30:00Z');
let store: Store;
let app: ReturnType<typeof createApp>;
let health: HealthService;

beforeEach(async () => {
  const root = await writeTree({ 'alpha/compose.yaml': 'services: {}\n' });
  store = openMemoryStore({ now: () => NOW });
  const control = tableControl(store, new TableStacks());
  health = new HealthService({
    engine: async () => {
      throw new EngineError('ENGINE_UNAVAILABLE', 'no engine in HTTP tests', { hint: 'start one' });
    },
    store: () => store,
    clock: { now: () => NOW, sleep: async () => {} },
    events: () => control.hub,
    subscribe: (listener) => control.hub.subscribe(listener),
    stacks: async () => [],
  });
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
  app = createApp({
    ...testDeps({ root, authenticator: tableAuthenticator(CONTROL_TOKENS), control }),
    health: { health },
  });
});
afterEach(() => store.close());

async function call(path: string, token: ControlToken) {
  const res = await app.request(path, { headers: { Authorization: `Bearer ${token}` } });
  // biome-ignore lint/suspicious/noExplicitAny: test responses are read field by field
  return { status: res.status, json: (await res.json()) as any };
}

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
