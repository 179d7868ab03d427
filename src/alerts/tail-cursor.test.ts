import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../api/events.js';
import { CATCH_UP_BOUND_MS, handOver, prune, skipOwn, startCursor } from './tail-cursor.js';

const NOW = Date.parse('2026-03-02T10:00:00.000Z');

function event(id: number, at = '2026-03-02T09:59:59.000Z'): StreamEvent {
  return { id, at, kind: 'backup', type: 'failed', stack: 'shop', service: 'db', message: `event ${id}` };
}

describe('startCursor', () => {
  it('starts after the newest event the first time, so history is not replayed', () => {
    expect(startCursor(undefined, 42)).toBe(42);
    expect(startCursor(undefined, 0)).toBe(0);
  });

  it('goes on after the saved cursor, or from the newest when the saved one is past it', () => {
    expect(startCursor(30, 42)).toBe(30);
    expect(startCursor(42, 42)).toBe(42);
    expect(startCursor(50, 42)).toBe(42);
  });
});

describe('handOver', () => {
  it('hands over the events not handled live, and moves the cursor to the last one read', () => {
    const result = handOver([event(11), event(12), event(13), event(14)], 10, new Set([12, 14]), NOW);
    expect(result.hand.map((e) => e.id)).toEqual([11, 13]);
    expect(result.cursor).toBe(14);
    expect(result.tooOld).toBe(0);
  });

  it('keeps the cursor when nothing was read, and never hands an event at or before it', () => {
    expect(handOver([], 7, new Set(), NOW)).toEqual({ hand: [], tooOld: 0, cursor: 7 });
    expect(handOver([event(6), event(7), event(8)], 7, new Set(), NOW).hand.map((e) => e.id)).toEqual([8]);
  });

  it('passes over events older than the bound, counting them, and keeps those just inside', () => {
    const old = new Date(NOW - CATCH_UP_BOUND_MS - 1).toISOString();
    const edge = new Date(NOW - CATCH_UP_BOUND_MS).toISOString();
    const result = handOver([event(1, old), event(2, edge), event(3)], 0, new Set(), NOW);
    expect(result.hand.map((e) => e.id)).toEqual([2, 3]);
    expect(result.tooOld).toBe(1);
    expect(result.cursor).toBe(3);
    expect(handOver([event(1, old)], 0, new Set(), NOW, 2 * CATCH_UP_BOUND_MS).hand).toHaveLength(1);
  });
});

describe('skipOwn and prune', () => {
  it('moves the cursor past the ids handled live, never back', () => {
    expect(skipOwn(10, new Set([12, 15, 11]))).toBe(15);
    expect(skipOwn(10, new Set())).toBe(10);
    expect(skipOwn(20, new Set([12]))).toBe(20);
  });

  it('forgets the ids at or before the cursor and keeps the later ones', () => {
    const handled = new Set([3, 5, 8, 9]);
    prune(handled, 8);
    expect([...handled]).toEqual([9]);
  });
});
