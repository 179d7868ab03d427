import { describe, expect, it } from 'vitest';
import {
  addResult,
  type Bucket,
  DAY_MS,
  dayOf,
  expired,
  formatUptime,
  HOUR_MS,
  hourOf,
  rollUp,
  uptime,
} from './uptime.js';

const T = Date.parse('2026-06-10T10:30:00Z');

/** Results every 10 s from `from` for `count` results; `down(i)` says which fail. */
function hourly(from: number, count: number, down: (i: number) => boolean): Bucket[] {
  const buckets = new Map<number, Bucket>();
  for (let i = 0; i < count; i++) {
    const t = from + i * 10_000;
    const h = hourOf(t);
    buckets.set(h, addResult(buckets.get(h), h, { ok: !down(i), latencyMs: 100 }));
  }
  return [...buckets.values()];
}

describe('uptime buckets', () => {
  it('adds results to their hour, with latency only from results that have one', () => {
    let b = addResult(undefined, hourOf(T), { ok: true, latencyMs: 120 });
    b = addResult(b, hourOf(T), { ok: false });
    b = addResult(b, hourOf(T), { ok: true, latencyMs: 80 });
    expect(b).toEqual({
      start: Date.parse('2026-06-10T10:00:00Z'),
      ok: 2,
      total: 3,
      latencySumMs: 200,
      latencyCount: 2,
    });
    expect(dayOf(T)).toBe(Date.parse('2026-06-10T00:00:00Z'));
  });

  it('rolls hours up into days without losing a result', () => {
    const hours = hourly(T - 2 * DAY_MS, 2 * 8640 + 100, (i) => i % 100 === 0);
    const days = rollUp(hours);
    expect(days.map((d) => new Date(d.start).toISOString().slice(0, 10))).toEqual([
      '2026-06-08',
      '2026-06-09',
      '2026-06-10',
    ]);
    const sum = (bs: Bucket[], f: (b: Bucket) => number) => bs.reduce((a, b) => a + f(b), 0);
    expect(sum(days, (b) => b.total)).toBe(sum(hours, (b) => b.total));
    expect(sum(days, (b) => b.ok)).toBe(sum(hours, (b) => b.ok));
  });

  it('computes uptime over 24 h from hours and over 7 days from days, 99.9% shown as such', () => {
    // One failure in every thousand results for 8 days.
    const hours = hourly(T - 8 * DAY_MS, 8 * 8640, (i) => i % 1000 === 999);
    const day = uptime(hours, T, DAY_MS, HOUR_MS);
    // The hours that start within the last 24 h: 23 whole ones and the current half hour.
    expect(day.total).toBe(23.5 * 360);
    expect(day.ratio).toBeCloseTo(0.999, 3);
    expect(day.meanLatencyMs).toBe(100);
    const week = uptime(rollUp(hours), T, 7 * DAY_MS, DAY_MS);
    expect(week.total).toBeLessThanOrEqual(7 * 8640);
    expect(week.total).toBeGreaterThan(6 * 8640);
    expect(formatUptime({ ratio: 0.999, total: 1 })).toBe('99.90%');
  });

  it('does not count buckets before the period or after now', () => {
    const at = (iso: string, ok: number, total: number): Bucket => ({
      start: Date.parse(iso),
      ok,
      total,
      latencySumMs: 0,
      latencyCount: 0,
    });
    const buckets = [
      at('2026-06-09T10:00:00Z', 0, 10), // 24.5 h before T: outside
      at('2026-06-09T11:00:00Z', 10, 10),
      at('2026-06-10T10:00:00Z', 5, 10),
      at('2026-06-10T11:00:00Z', 0, 10), // after T
    ];
    expect(uptime(buckets, T, DAY_MS, HOUR_MS)).toEqual({ ratio: 0.75, total: 20 });
  });

  it('an empty period is unknown, never 100%', () => {
    expect(uptime([], T, DAY_MS, HOUR_MS)).toEqual({ total: 0 });
    expect(formatUptime({ total: 0 })).toBe('-');
  });

  it('rounds down: 99.999% shows 99.99%, not 100%', () => {
    expect(formatUptime({ ratio: 0.99999, total: 100_000 })).toBe('99.99%');
    expect(formatUptime({ ratio: 1, total: 1 })).toBe('100.00%');
  });

  it('finds the buckets past retention', () => {
    const hours = hourly(T - 3 * DAY_MS, 3 * 8640, () => false);
    const gone = expired(hours, T, 2 * DAY_MS);
    expect(gone.length).toBeGreaterThan(20);
    expect(gone.every((b) => b.start < T - 2 * DAY_MS)).toBe(true);
    // Kept: the hours from 2 days ago (11:00) up to the current one.
    expect(hours.length - gone.length).toBe(48);
  });
});
