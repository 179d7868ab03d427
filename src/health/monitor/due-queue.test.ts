import { describe, expect, it } from 'vitest';
import { firstOffset } from './catalog.js';
import { DueQueue } from './due-queue.js';

describe('DueQueue', () => {
  it('pops what is due, earliest first, ties in insertion order', () => {
    const q = new DueQueue<string>();
    for (const [at, name] of [
      [30, 'c'],
      [10, 'a'],
      [20, 'b'],
      [10, 'a2'],
      [40, 'd'],
    ] as const)
      q.push(at, name);
    expect(q.peekAt()).toBe(10);
    expect(q.popDue(25).map((d) => d.item)).toEqual(['a', 'a2', 'b']);
    expect(q.size).toBe(2);
    expect(q.popDue(5)).toEqual([]);
    expect(q.popDue(100).map((d) => d.item)).toEqual(['c', 'd']);
    expect(q.peekAt()).toBeUndefined();
  });

  it('keeps order over many random pushes', () => {
    const q = new DueQueue<number>();
    const times = Array.from({ length: 2000 }, (_, i) => (i * 7919) % 1009);
    for (const t of times) q.push(t, t);
    const out = q.popDue(Number.POSITIVE_INFINITY).map((d) => d.at);
    expect(out).toEqual([...times].sort((a, b) => a - b));
  });
});

describe('firstOffset', () => {
  it('is stable, inside the interval, and spreads keys', () => {
    expect(firstOffset('shop/web/home', 10_000)).toBe(firstOffset('shop/web/home', 10_000));
    const offsets = Array.from({ length: 1000 }, (_, i) => firstOffset(`s/web/p${i}`, 10_000));
    expect(Math.min(...offsets)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...offsets)).toBeLessThan(10_000);
    // Spread: each tenth of the interval gets some, none gets a quarter.
    const tenths = new Array(10).fill(0);
    for (const o of offsets) tenths[Math.floor(o / 1000)]++;
    expect(Math.min(...tenths)).toBeGreaterThan(50);
    expect(Math.max(...tenths)).toBeLessThan(250);
  });
});
