import { describe, expect, it } from 'vitest';
import { type Kept, retention } from './retention.js';

const at = (iso: string, id = iso, extra: Partial<Kept> = {}): Kept => ({
  id,
  startedAt: iso,
  trigger: 'schedule',
  drill: 'none',
  inUse: false,
  ...extra,
});
const kept = (d: ReturnType<typeof retention>) => d.filter((x) => x.keep).map((x) => x.id);
const NOW = new Date('2026-12-08T00:00:00Z');

/** A small seeded generator, so a failing history can be replayed. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('retention', () => {
  it('keeps the newest backup of each of the last seven days that have one', () => {
    const history = [
      '2026-12-01T02:00:00Z',
      '2026-12-01T14:00:00Z',
      '2026-12-02T02:00:00Z',
      '2026-11-20T02:00:00Z',
    ].map((t) => at(t));
    expect(kept(retention(history, { daily: 2 }, NOW))).toEqual([
      '2026-12-02T02:00:00Z',
      '2026-12-01T14:00:00Z',
    ]);
    // Days without backups do not count: a gap never empties the store.
    expect(kept(retention(history, { daily: 7 }, NOW))).toEqual([
      '2026-12-02T02:00:00Z',
      '2026-12-01T14:00:00Z',
      '2026-11-20T02:00:00Z',
    ]);
  });

  it('weeks are ISO weeks, months calendar months, last the newest n', () => {
    const history = [
      '2026-12-07T01:00:00Z',
      '2026-12-06T01:00:00Z',
      '2026-11-30T01:00:00Z',
      '2026-11-29T01:00:00Z',
      '2026-10-15T01:00:00Z',
    ].map((t) => at(t));
    // 12-07 is a Monday (W50); 12-06 and 11-30 are W49; 11-29 is W48.
    expect(kept(retention(history, { weekly: 3 }, NOW))).toEqual([
      '2026-12-07T01:00:00Z',
      '2026-12-06T01:00:00Z',
      '2026-11-29T01:00:00Z',
    ]);
    expect(kept(retention(history, { monthly: 3 }, NOW))).toEqual([
      '2026-12-07T01:00:00Z',
      '2026-11-30T01:00:00Z',
      '2026-10-15T01:00:00Z',
    ]);
    expect(kept(retention(history, { last: 2 }, NOW))).toEqual([
      '2026-12-07T01:00:00Z',
      '2026-12-06T01:00:00Z',
    ]);
  });

  it('never lets go of the newest, the newest drilled, one in use or being drilled, and says why', () => {
    const history = [
      at('2026-12-05T00:00:00Z', 'new', { drill: 'failed' }),
      at('2026-12-04T00:00:00Z', 'drilled', { drill: 'passed' }),
      at('2026-12-03T00:00:00Z', 'restoring', { inUse: true }),
      at('2026-12-02T00:00:00Z', 'drilling', { drill: 'running' }),
      at('2026-12-01T00:00:00Z', 'old', { drill: 'passed' }),
    ];
    const d = retention(history, { last: 0 }, NOW);
    expect(kept(d)).toEqual(['new', 'drilled', 'restoring', 'drilling']);
    expect(d.find((x) => x.id === 'drilled')?.reasons).toEqual(['the newest backup whose drill passed']);
    expect(d.find((x) => x.id === 'old')).toEqual({
      id: 'old',
      keep: false,
      reasons: ['outside every retention rule'],
    });
  });

  it('holds its promises over random histories', () => {
    const triggers = ['schedule', 'manual', 'pre-deploy', 'safety'] as const;
    const protectedTrigger = (b: Kept) => b.trigger === 'safety' || b.trigger === 'pre-deploy';
    for (let seed = 1; seed <= 400; seed++) {
      const rnd = random(seed);
      const n = Math.floor(rnd() * 60);
      const start = Date.UTC(2026, 0, 1);
      const history: Kept[] = Array.from({ length: n }, (_, i) => ({
        id: `b${i}`,
        startedAt: new Date(start + Math.floor(rnd() * 400 * 86_400_000)).toISOString(),
        trigger: triggers[Math.floor(rnd() * 4)] ?? 'schedule',
        drill: (['none', 'passed', 'failed', 'running'] as const)[Math.floor(rnd() * 4)] ?? 'none',
        inUse: rnd() < 0.05,
      }));
      const retain = {
        last: Math.floor(rnd() * 4),
        daily: Math.floor(rnd() * 40),
        weekly: Math.floor(rnd() * 5),
        monthly: Math.floor(rnd() * 4),
      };
      // Now is anywhere from inside the history to two months after it.
      const now = new Date(start + Math.floor((300 + rnd() * 160) * 86_400_000));
      const d = retention(history, retain, now);
      const keep = new Set(kept(d));
      const sorted = [...history].sort((a, b) => (a.startedAt < b.startedAt ? 1 : -1));
      const regular = sorted.filter((b) => !protectedTrigger(b));
      const at = `seed ${seed}`;
      // Every backup is decided once, with a reason; something stays whenever something existed.
      expect(d.length, at).toBe(n);
      expect(
        d.every((x) => x.reasons.length > 0),
        at,
      ).toBe(true);
      if (n > 0) expect(keep.has(sorted[0]?.id ?? ''), `${at}: newest`).toBe(true);
      const drilled = sorted.find((b) => b.drill === 'passed');
      if (drilled) expect(keep.has(drilled.id), `${at}: newest drilled`).toBe(true);
      for (const b of history)
        if (b.inUse || b.drill === 'running') expect(keep.has(b.id), `${at}: in use`).toBe(true);
      // Safety and pre-deploy backups: the newest of each, and all within the window, stay.
      const window = Math.max(7, retain.daily) * 86_400_000;
      const inWindow = (b: Kept) => new Date(b.startedAt).getTime() + window > now.getTime();
      for (const trigger of ['safety', 'pre-deploy'] as const) {
        const newest = sorted.find((b) => b.trigger === trigger);
        if (newest) expect(keep.has(newest.id), `${at}: newest ${trigger}`).toBe(true);
      }
      for (const b of history.filter(protectedTrigger))
        if (inWindow(b)) expect(keep.has(b.id), `${at}: ${b.id} in its window`).toBe(true);
      // Scheduled and manual backups are kept exactly as if the others did not exist.
      const alone = new Set(kept(retention(regular, retain, now)));
      expect(
        regular.filter((b) => keep.has(b.id)).map((b) => b.id),
        `${at}: regular unaffected`,
      ).toEqual(regular.filter((b) => alone.has(b.id)).map((b) => b.id));
      // Each of the `daily` newest days with a scheduled or manual backup keeps its newest.
      const days = [...new Set(regular.map((b) => b.startedAt.slice(0, 10)))].slice(0, retain.daily);
      for (const dday of days) {
        const newest = regular.find((b) => b.startedAt.startsWith(dday));
        expect(keep.has(newest?.id ?? ''), `${at}: day ${dday}`).toBe(true);
      }
      // Bounded: the rules and the guarantees, no more.
      const bound =
        retain.last +
        retain.daily +
        retain.weekly +
        retain.monthly +
        6 +
        history.filter((b) => protectedTrigger(b) && inWindow(b)).length +
        history.filter((b) => b.inUse || b.drill === 'running').length;
      expect(keep.size, `${at}: bound`).toBeLessThanOrEqual(bound);
      // Stable: pruning what was kept keeps all of it.
      const again = retention(
        history.filter((b) => keep.has(b.id)),
        retain,
        now,
      );
      expect(
        again.every((x) => x.keep),
        `${at}: stable`,
      ).toBe(true);
    }
  });
});
