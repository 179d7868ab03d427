import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeClock } from '../../test/support/store.js';
import { migrate } from './migrations.js';
import { createProbeStore, type ProbeStore, type ProbeWrite } from './probes.js';

const KEY = { stack: 'shop', service: 'web', probe: 'home' };
const HOUR = 3_600_000;
const T0 = Date.parse('2026-06-10T10:00:00.000Z');

let db: Database.Database;
let probes: ProbeStore;

beforeEach(() => {
  db = new Database(':memory:');
  migrate(db, fakeClock());
  probes = createProbeStore(db);
});
afterEach(() => db.close());

const write = (at: number, ok: boolean, latencyMs?: number, key = KEY): ProbeWrite => ({
  state: {
    ...key,
    status: ok ? 'up' : 'down',
    since: new Date(T0).toISOString(),
    failures: ok ? 0 : 1,
    successes: ok ? 1 : 0,
    changes: [T0],
    flapping: false,
    last: {
      at: new Date(at).toISOString(),
      ok,
      ...(latencyMs !== undefined ? { latencyMs } : {}),
      detail: ok ? 'ok' : 'connection refused',
    },
  },
  hour: Math.floor(at / HOUR) * HOUR,
  day: Math.floor(at / (24 * HOUR)) * 24 * HOUR,
});

describe('probe store', () => {
  it('keeps the state with the last result, counts buckets and failures', () => {
    probes.record([write(T0, true, 10), write(T0 + 1000, true, 30), write(T0 + 2000, false)]);
    expect(probes.get(KEY)).toMatchObject({
      status: 'down',
      failures: 1,
      changes: [T0],
      last: { ok: false, detail: 'connection refused' },
    });
    const [hour] = probes.buckets('hour', 0);
    expect(hour).toMatchObject({ start: T0, ok: 2, total: 3, latencySumMs: 40, latencyCount: 2 });
    expect(probes.buckets('day', 0)[0]).toMatchObject({ ok: 2, total: 3 });
    expect(probes.failures(KEY, 10)).toEqual([
      { at: new Date(T0 + 2000).toISOString(), detail: 'connection refused' },
    ]);
  });

  it('sums buckets per probe since a time, optionally of one stack', () => {
    const other = { stack: 'blog', service: 'web', probe: 'home' };
    probes.record([
      write(T0 - 2 * HOUR, false),
      write(T0, true),
      write(T0 + HOUR, true),
      write(T0, false, undefined, other),
    ]);
    const totals = probes.totals('hour', T0);
    expect(totals.map((t) => [t.stack, t.ok, t.total])).toEqual(
      expect.arrayContaining([
        ['shop', 2, 2],
        ['blog', 0, 1],
      ]),
    );
    expect(probes.totals('hour', T0, 'blog')).toHaveLength(1);
    expect(probes.bucketsOf(KEY, 'hour', 0).map((b) => b.start)).toEqual([T0 - 2 * HOUR, T0, T0 + HOUR]);
  });

  it('prunes old buckets and all but the newest failures, and forgets states', () => {
    probes.record([
      write(T0 - 48 * HOUR, false),
      ...Array.from({ length: 5 }, (_, i) => write(T0 + i, false)),
    ]);
    const removed = probes.prune({ hoursBefore: T0 - HOUR, daysBefore: T0 - 24 * HOUR, keepFailures: 2 });
    expect(removed).toBe(1 + 1 + 4);
    expect(probes.failures(KEY, 10)).toHaveLength(2);
    expect(probes.buckets('hour', 0)).toHaveLength(1);
    probes.forget([KEY]);
    expect(probes.get(KEY)).toBeUndefined();
    expect(probes.states()).toEqual([]);
  });
});
