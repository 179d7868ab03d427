import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { healthEvent } from '../../../test/support/alerts/fixtures.js';
import { alertKit, webhook } from '../../../test/support/alerts/kit.js';
import { type HttpReceiver, httpReceiver } from '../../../test/support/alerts/receivers.js';
import { CONTROL_TOKENS, type ControlToken } from '../../../test/support/control.js';
import { steppingClock, tableAuthenticator } from '../../../test/support/http-app.js';
import { manualClock } from '../../clock.js';
import { createMetrics } from '../../metrics/registry.js';
import { openMemoryStore, type Store } from '../../store/index.js';
import { mountRoutes } from '../app.js';
import { alertRoutes } from './alerts.js';

// The alert routes through the request pipeline (mounted here on their own: the app mounts them
// once wired): viewers read what their grants cover, admins test channels, answers match the contract.

let store: Store;
let hook: HttpReceiver;
let kit: ReturnType<typeof alertKit>;
let app: ReturnType<typeof mountRoutes>;

beforeEach(async () => {
  const clock = manualClock(new Date('2026-03-01T10:00:00.000Z'));
  store = openMemoryStore(clock);
  hook = await httpReceiver();
  kit = alertKit({
    clock,
    store: () => store,
    channels: [webhook('oncall', `${hook.url}/hooks/secret-path-9f2`, { secret: 'whsec-planted' })],
  });
  app = mountRoutes(alertRoutes({ alerts: kit.service }), {
    authenticator: tableAuthenticator(CONTROL_TOKENS),
    auditLog: store.auditLog,
    metrics: createMetrics(),
    clock: steppingClock(),
    checkResponses: true,
  });
});
afterEach(async () => {
  await kit.service.drain(0);
  await hook.close();
  store.close();
});

async function call(method: string, path: string, token: ControlToken) {
  const res = await app.request(path, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(method === 'POST' ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(method === 'POST' ? { body: '{}' } : {}),
  });
  // biome-ignore lint/suspicious/noExplicitAny: test responses are read field by field
  return { status: res.status, json: (await res.json()) as any };
}

describe('GET /api/v1/alerts', () => {
  it('lists recent alerts and deliveries of the stacks the caller may view', async () => {
    kit.hub.publish(healthEvent('probe-down', { stack: 'alpha' }));
    kit.hub.publish(healthEvent('crash-loop', { stack: 'beta' }));
    const all = await call('GET', '/api/v1/alerts?limit=10', 'viewer');
    expect(all.status).toBe(200);
    expect(all.json.alerts.map((a: { stack: string; state: string }) => `${a.stack} ${a.state}`)).toEqual([
      'beta open',
      'alpha open',
    ]);
    expect(all.json.deliveries).toHaveLength(2);
    const alpha = await call('GET', '/api/v1/alerts', 'alpha-viewer');
    expect(alpha.json.alerts.map((a: { stack: string }) => a.stack)).toEqual(['alpha']);
    expect(alpha.json.deliveries.map((d: { stack: string }) => d.stack)).toEqual(['alpha']);
    expect((await call('GET', '/api/v1/alerts?limit=0', 'viewer')).status).toBe(400);
  });
});

describe('GET /api/v1/alerts/channels', () => {
  it('shows names, types and hosts to viewers, never a secret or a path', async () => {
    const res = await call('GET', '/api/v1/alerts/channels', 'alpha-viewer');
    expect(res.json).toEqual({
      items: [{ name: 'oncall', type: 'webhook', target: new URL(hook.url).host, timeoutMs: 10_000 }],
    });
    expect(JSON.stringify(res.json)).not.toMatch(/whsec|secret-path/);
  });
});

describe('POST /api/v1/alerts/channels/:channel/test', () => {
  it('lets admins send a test message and says how it went; others are refused', async () => {
    expect((await call('POST', '/api/v1/alerts/channels/oncall/test', 'operator')).status).toBe(403);
    expect(hook.requests).toHaveLength(0);
    const res = await call('POST', '/api/v1/alerts/channels/oncall/test', 'admin');
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ channel: 'oncall', ok: true, delivery: 1 });
    expect(hook.requests).toHaveLength(1);
    expect(store.auditLog.list({ limit: 5 }).items[0]).toMatchObject({
      action: 'testAlertChannel',
      target: 'oncall',
      outcome: 'ok',
    });
    const unknown = await call('POST', '/api/v1/alerts/channels/pager/test', 'admin');
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ code: 'NOT_FOUND', hint: 'channels: oncall' });
  });
});
