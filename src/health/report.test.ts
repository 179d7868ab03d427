import { describe, expect, it } from 'vitest';
import type { ProbeRecord, StoredBucket } from '../store/index.js';
import { healthViews, periodStart } from './report.js';

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

describe('probes of a stack that runs nothing', () => {
  const empty = { '24h': [], '7d': [], '30d': [] };
  const other = { stack: 'other', service: 'db', probe: 'ping' };
  const declared = [KEY, other];

  it('are stopped after a down, not pending, with what to do; other stacks stay pending', () => {
    const views = healthViews({
      states: [],
      totals: empty,
      types: new Map(),
      declared,
      runs: new Map([
        ['shop', { state: 'stopped', at: '2026-06-10T10:00:00.000Z' }],
        ['other', { state: 'running' }],
      ]),
    });
    expect(views.map((v) => [v.stack, v.status])).toEqual([
      ['other', 'pending'],
      ['shop', 'stopped'],
    ]);
    expect(views[0]?.notRunning).toBeUndefined();
    expect(views[1]?.notRunning).toEqual({
      cause: 'down',
      at: '2026-06-10T10:00:00.000Z',
      hint: '`berth up shop` starts it again',
    });
    expect(views[1]?.uptime).toEqual({ '24h': null, '7d': null, '30d': null });
  });

  it('are not-running when the deployments since left nothing running, and say which and what to do', () => {
    const [, view] = healthViews({
      states: [],
      totals: empty,
      types: new Map(),
      declared,
      runs: new Map([
        ['shop', { state: 'not-running', deploymentId: 7, outcome: 'rolled-back', after: 'nothing' }],
      ]),
    });
    expect(view).toMatchObject({
      stack: 'shop',
      status: 'not-running',
      notRunning: { cause: 'deployment', deploymentId: 7, outcome: 'rolled-back', after: 'nothing' },
    });
    expect(view?.notRunning?.hint).toContain('`berth up shop`');
    expect(view?.notRunning?.hint).toContain('`berth deployments shop`');
  });

  it('keep the uptime their counted results made before the stack stopped', () => {
    const [view] = healthViews({
      states: [],
      totals: { '24h': [sums(3, 4)], '7d': [sums(3, 4)], '30d': [sums(3, 4)] },
      types: new Map(),
      declared: [KEY],
      runs: new Map([['shop', { state: 'stopped' }]]),
    });
    expect(view).toMatchObject({ status: 'stopped', uptime: { '24h': 0.75, '7d': 0.75, '30d': 0.75 } });
  });

  it('are pending when the stack was never deployed or runs', () => {
    for (const run of [{ state: 'never-deployed' }, { state: 'running' }] as const) {
      const [view] = healthViews({
        states: [],
        totals: empty,
        types: new Map(),
        declared: [KEY],
        runs: new Map([['shop', run]]),
      });
      expect(view?.status).toBe('pending');
      expect(view?.notRunning).toBeUndefined();
    }
  });

  it('keep a state the monitor still holds (a probe that ran since)', () => {
    const [view] = healthViews({
      states: [state],
      totals: empty,
      types: new Map(),
      declared: [KEY],
      runs: new Map([['shop', { state: 'stopped' }]]),
    });
    expect(view?.status).toBe('up');
    expect(view?.notRunning).toBeUndefined();
  });
});
