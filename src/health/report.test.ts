import { describe, expect, it } from 'vitest';
import type { ProbeRecord, StoredBucket } from '../store/index.js';
import { healthViews, periodStart, takenDown } from './report.js';

const KEY = { stack: 'shop', service: 'web', probe: 'home' };
const state: ProbeRecord = {
  ...KEY,
  status: 'up',
  since: '2026-06-10T09:00:00.000Z',
  failures: 0,
  successes: 4,
  changes: [],
  flapping: false,
  last: { at: '2026-06-10T10:00:00.000Z', ok: true, latencyMs: 12, detail: 'ok' },
};
const sums = (ok: number, total: number, latency = 0, timed = 0): StoredBucket => ({
  ...KEY,
  start: 0,
  ok,
  total,
  latencySumMs: latency,
  latencyCount: timed,
});

describe('healthViews', () => {
  it('gives each probe its state and uptime per period, unknown when a period has no result', () => {
    const [view] = healthViews({
      states: [state],
      totals: { '24h': [sums(999, 1000, 5000, 1000)], '7d': [sums(7, 7)], '30d': [] },
      types: new Map([['shop/web/home', 'http']]),
    });
    expect(view).toMatchObject({
      type: 'http',
      watched: true,
      status: 'up',
      uptime: { '24h': 0.999, '7d': 1, '30d': null },
      meanLatencyMs: 5,
    });
  });

  it('marks a probe that is not watched now', () => {
    const [view] = healthViews({
      states: [state],
      totals: { '24h': [], '7d': [], '30d': [] },
      types: new Map(),
    });
    expect(view?.watched).toBe(false);
    expect(view?.type).toBeUndefined();
    expect(view?.uptime).toEqual({ '24h': null, '7d': null, '30d': null });
  });
});

describe('healthViews: declared probes that have not run', () => {
  const totals = { '24h': [], '7d': [], '30d': [] };
  const declared = [
    { stack: 'shop', service: 'api', probe: 'ping' },
    KEY,
    { stack: 'shop', service: 'web', probe: 'port' },
  ];

  it('lists a declared probe without a kept state as pending, not up, among the others in order', () => {
    const views = healthViews({
      states: [state],
      totals,
      types: new Map([['shop/web/port', 'tcp']]),
      declared,
    });
    expect(views.map((v) => `${v.service}/${v.probe} ${v.status}`)).toEqual([
      'api/ping pending',
      'web/home up',
      'web/port pending',
    ]);
    expect(views[2]).toEqual({
      stack: 'shop',
      service: 'web',
      probe: 'port',
      type: 'tcp',
      status: 'pending',
      flapping: false,
      watched: true,
      uptime: { '24h': null, '7d': null, '30d': null },
    });
    expect(views[0]?.watched).toBe(false);
  });

  it('keeps a probe’s own state once it has one', () => {
    const views = healthViews({ states: [state], totals, types: new Map(), declared: [KEY] });
    expect(views).toHaveLength(1);
    expect(views[0]?.status).toBe('up');
  });
});

describe('periodStart', () => {
  it('starts 24 h at the hour after the one 24 h ago, days at the next day', () => {
    const now = Date.parse('2026-06-10T10:30:00.000Z');
    expect(new Date(periodStart('24h', now)).toISOString()).toBe('2026-06-09T11:00:00.000Z');
    expect(new Date(periodStart('7d', now)).toISOString()).toBe('2026-06-04T00:00:00.000Z');
    expect(new Date(periodStart('30d', now)).toISOString()).toBe('2026-05-12T00:00:00.000Z');
  });
});

describe('probes of a stack taken down', () => {
  const empty = { '24h': [], '7d': [], '30d': [] };
  const declared = [KEY, { stack: 'other', service: 'db', probe: 'ping' }];

  it('are stopped, not pending, and count no downtime; other stacks stay pending', () => {
    const views = healthViews({
      states: [],
      totals: empty,
      types: new Map(),
      declared,
      stopped: new Set(['shop']),
    });
    expect(views.map((v) => [v.stack, v.status])).toEqual([
      ['other', 'pending'],
      ['shop', 'stopped'],
    ]);
    expect(views[1]?.uptime).toEqual({ '24h': null, '7d': null, '30d': null });
  });

  it('keep a state the monitor still holds (a probe that ran since)', () => {
    const [view] = healthViews({
      states: [state],
      totals: empty,
      types: new Map(),
      declared: [KEY],
      stopped: new Set(['shop']),
    });
    expect(view?.status).toBe('up');
  });

  it('are those of a stack whose last deployment succeeded and that has no applied container', () => {
    expect(takenDown({ applied: 0, lastDeployment: 'succeeded' })).toBe(true);
    expect(takenDown({ applied: 2, lastDeployment: 'succeeded' })).toBe(false);
    // Never deployed, or never deployed successfully: nothing was taken down.
    expect(takenDown({ applied: 0 })).toBe(false);
    expect(takenDown({ applied: 0, lastDeployment: 'rolled-back' })).toBe(false);
    expect(takenDown({ applied: 0, lastDeployment: 'failed' })).toBe(false);
  });
});
