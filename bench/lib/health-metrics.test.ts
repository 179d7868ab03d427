import { describe, expect, it } from 'vitest';
import {
  histogramDelta,
  histogramOf,
  maxBucket,
  parseHistogram,
  quantile,
  samples,
  total,
} from './health-metrics.js';

const scrape = (counts: readonly number[], sum: number): string =>
  [
    '# HELP berth_probe_schedule_lag_seconds How late probe runs start',
    '# TYPE berth_probe_schedule_lag_seconds histogram',
    ...['0.001', '0.01', '0.1', '+Inf'].map(
      (le, i) => `berth_probe_schedule_lag_seconds_bucket{le="${le}"} ${counts[i] ?? 0}`,
    ),
    `berth_probe_schedule_lag_seconds_sum ${sum}`,
    `berth_probe_schedule_lag_seconds_count ${counts.at(-1) ?? 0}`,
    'berth_probe_up{stack="s",service="target",probe="p0000"} 1',
    'berth_probe_up{stack="s",service="target",probe="p\\"1"} 0',
  ].join('\n');

describe('parseHistogram', () => {
  it('reads the cumulative buckets in order, +Inf last, and the sum', () => {
    const h = parseHistogram(scrape([1, 2, 3, 4], 0.5), 'berth_probe_schedule_lag_seconds');
    expect(h).toEqual({
      bounds: [0.001, 0.01, 0.1, Number.POSITIVE_INFINITY],
      counts: [1, 2, 3, 4],
      sum: 0.5,
    });
    expect(parseHistogram(scrape([1, 2, 3, 4], 0.5), 'berth_other')).toBeUndefined();
  });

  it('subtracts two scrapes', () => {
    const a = parseHistogram(scrape([1, 2, 3, 4], 0.5), 'berth_probe_schedule_lag_seconds');
    const b = parseHistogram(scrape([11, 52, 53, 54], 1.5), 'berth_probe_schedule_lag_seconds');
    if (!a || !b) throw new Error('not parsed');
    expect(histogramDelta(b, a)).toEqual({ bounds: a.bounds, counts: [10, 50, 50, 50], sum: 1 });
  });
});

describe('samples', () => {
  it('reads labels, escaped quotes included', () => {
    const up = samples(scrape([0, 0, 0, 0], 0), 'berth_probe_up');
    expect(up.map((s) => [s.labels.probe, s.value])).toEqual([
      ['p0000', 1],
      ['p"1', 0],
    ]);
  });
});

describe('quantile', () => {
  const h = histogramOf([0.0005, 0.002, 0.004, 0.006, 0.008, 0.05], [0.001, 0.01, 0.1]);

  it('interpolates within the bucket the rank falls in', () => {
    expect(total(h)).toBe(6);
    expect(h.counts).toEqual([1, 5, 6, 6]);
    // rank 3 of 6: the second of the four in (1 ms, 10 ms]
    expect(quantile(h, 0.5).value).toBeCloseTo(0.001 + (0.009 * 2) / 4, 9);
    // rank 5.94: in (10 ms, 100 ms], 0.94 of the way
    expect(quantile(h, 0.99).value).toBeCloseTo(0.01 + 0.09 * 0.94, 9);
    expect(maxBucket(h)).toBe(0.1);
  });

  it('says when the rank is beyond the last finite bound, and NaN when empty', () => {
    const over = histogramOf([0.5], [0.001, 0.01, 0.1]);
    expect(quantile(over, 0.99)).toEqual({ value: 0.1, beyond: true });
    expect(maxBucket(over)).toBe(Number.POSITIVE_INFINITY);
    expect(quantile(histogramOf([], [0.001]), 0.5).value).toBeNaN();
    expect(maxBucket(histogramOf([], [0.001]))).toBeUndefined();
  });
});
