import { describe, expect, it } from 'vitest';
import { type Kept, protectedDays, retention } from './retention.js';

// Safety backups (taken before a restore) and pre-deploy backups hold what an operator is about to
// replace, often its only copy: they stay outside the period buckets.

const b = (id: string, iso: string, trigger: Kept['trigger'], extra: Partial<Kept> = {}): Kept => ({
  id,
  startedAt: iso,
  trigger,
  drill: 'none',
  inUse: false,
  ...extra,
});
const kept = (d: ReturnType<typeof retention>) => d.filter((x) => x.keep).map((x) => x.id);
const why = (d: ReturnType<typeof retention>, id: string) => d.find((x) => x.id === id)?.reasons;
const DAILY = { daily: 7 };

describe('retention of safety and pre-deploy backups', () => {
  it('a restore’s safety backup survives the next backup of the same day (the review’s history)', () => {
    const history = [
      b('64e4', '2026-12-06T03:06:40Z', 'manual', { drill: 'passed' }),
      b('12b2', '2026-12-06T03:06:46Z', 'safety'),
      b('84b8', '2026-12-06T03:06:50Z', 'manual', { drill: 'passed' }),
    ];
    const d = retention(history, DAILY, new Date('2026-12-06T03:07:00Z'));
    // 64e4 goes: a newer backup of the same day whose drill passed (84b8) holds the state it restored.
    expect(kept(d)).toEqual(['84b8', '12b2']);
    expect(why(d, '12b2')).toEqual([
      'the newest safety backup (taken before a restore)',
      'a safety backup (taken before a restore), kept 7 days: until 2026-12-13T03:06:46Z',
    ]);
    expect(why(d, '84b8')).toEqual([
      'newest of day 2026-12-06',
      'the newest backup',
      'the newest backup whose drill passed',
    ]);
    expect(why(d, '64e4')).toEqual(['outside every retention rule']);
  });

  it('the restored-from backup stays when the backup after the restore was not proven', () => {
    const history = [
      b('64e4', '2026-12-06T03:06:40Z', 'manual', { drill: 'passed' }),
      b('12b2', '2026-12-06T03:06:46Z', 'safety'),
      b('84b8', '2026-12-06T03:06:50Z', 'manual', { drill: 'failed' }),
    ];
    const d = retention(history, DAILY, new Date('2026-12-06T03:07:00Z'));
    expect(kept(d)).toEqual(['84b8', '12b2', '64e4']);
    expect(why(d, '64e4')).toEqual(['the newest backup whose drill passed']);
  });

  it('a rolled-back deploy’s pre-deploy backup survives the next deploy’s (the review’s second history)', () => {
    const history = [
      b('sched', '2026-12-06T02:00:00Z', 'schedule', { drill: 'passed' }),
      b('d8b1', '2026-12-06T02:57:03Z', 'pre-deploy'),
      b('next', '2026-12-06T03:10:00Z', 'pre-deploy'),
    ];
    const d = retention(history, DAILY, new Date('2026-12-06T03:11:00Z'));
    expect(kept(d)).toEqual(['next', 'd8b1', 'sched']);
    expect(why(d, 'd8b1')).toEqual([
      'a pre-deploy backup (taken before a deploy), kept 7 days: until 2026-12-13T02:57:03Z',
    ]);
    expect(why(d, 'sched')).toEqual([
      'newest of day 2026-12-06',
      'the newest scheduled or manual backup',
      'the newest backup whose drill passed',
    ]);
  });

  it('never takes a scheduled backup’s slot: day, last, newest and newest drilled', () => {
    const history = [
      b('tue', '2026-12-01T03:00:00Z', 'schedule', { drill: 'passed' }),
      b('wed', '2026-12-02T03:00:00Z', 'schedule'),
      b('wed-deploy', '2026-12-02T15:00:00Z', 'pre-deploy', { drill: 'passed' }),
      b('wed-restore', '2026-12-02T16:00:00Z', 'safety'),
    ];
    const now = new Date('2026-12-02T17:00:00Z');
    expect(kept(retention(history, { daily: 2 }, now))).toEqual(['wed-restore', 'wed-deploy', 'wed', 'tue']);
    const last = retention(history, { last: 1 }, now);
    expect(why(last, 'wed')).toEqual(['one of the last 1 (#1)', 'the newest scheduled or manual backup']);
    expect(why(last, 'tue')).toEqual(['the newest scheduled or manual backup whose drill passed']);
    expect(why(last, 'wed-deploy')).toEqual([
      'the newest pre-deploy backup (taken before a deploy)',
      'a pre-deploy backup (taken before a deploy), kept 7 days: until 2026-12-09T15:00:00Z',
      'the newest backup whose drill passed',
    ]);
    // Even a policy that keeps no period keeps the newest scheduled or manual backup.
    expect(kept(retention(history, { last: 0 }, now))).toEqual(['wed-restore', 'wed-deploy', 'wed', 'tue']);
  });

  it('keeps every one taken within the window, however many, then lets the older ones go', () => {
    const deploys = Array.from({ length: 12 }, (_, i) =>
      b(`p${i}`, `2026-12-0${1 + Math.floor(i / 2)}T${String(10 + i).padStart(2, '0')}:00:00Z`, 'pre-deploy'),
    );
    const history = [b('s', '2026-12-06T03:00:00Z', 'schedule'), ...deploys];
    expect(kept(retention(history, DAILY, new Date('2026-12-07T00:00:00Z')))).toHaveLength(13);
    // Eight days after the first two deploys, those two go, with the reason; the rest stay.
    const later = retention(history, DAILY, new Date('2026-12-09T11:30:00Z'));
    expect(later.filter((x) => !x.keep).map((x) => x.id)).toEqual(['p1', 'p0']);
    expect(why(later, 'p0')).toEqual([
      'a pre-deploy backup (taken before a deploy) past its 7 days (2026-12-08T10:00:00Z), and not the newest one',
    ]);
  });

  it('the window is the policy’s daily days, at least seven, and ends exactly then', () => {
    expect(protectedDays({})).toBe(7);
    expect(protectedDays({ daily: 3, weekly: 4 })).toBe(7);
    expect(protectedDays({ daily: 30 })).toBe(30);
    const history = [
      b('old', '2026-11-01T00:00:00Z', 'safety'),
      b('new', '2026-11-02T00:00:00Z', 'safety'),
      b('s', '2026-11-02T01:00:00Z', 'schedule'),
    ];
    const daysLater = (days: number, ms = 0) =>
      new Date(Date.parse('2026-11-01T00:00:00Z') + days * 86_400_000 + ms);
    expect(kept(retention(history, { daily: 3 }, daysLater(7, -1)))).toContain('old');
    expect(kept(retention(history, { daily: 3 }, daysLater(7)))).not.toContain('old');
    expect(kept(retention(history, { daily: 30 }, daysLater(30, -1)))).toContain('old');
    expect(kept(retention(history, { daily: 30 }, daysLater(30)))).not.toContain('old');
    expect(kept(retention(history, { last: 5 }, daysLater(8)))).toEqual(['s', 'new']);
  });

  it('the newest safety and the newest pre-deploy backup stay however old', () => {
    const history = [
      b('safety', '2025-01-01T00:00:00Z', 'safety'),
      b('deploy', '2025-02-01T00:00:00Z', 'pre-deploy'),
      b('s1', '2026-12-01T03:00:00Z', 'schedule'),
      b('s2', '2026-12-02T03:00:00Z', 'schedule'),
    ];
    const d = retention(history, { daily: 1 }, new Date('2026-12-03T00:00:00Z'));
    expect(kept(d)).toEqual(['s2', 'deploy', 'safety']);
    expect(why(d, 'safety')).toEqual(['the newest safety backup (taken before a restore)']);
    expect(why(d, 'deploy')).toEqual(['the newest pre-deploy backup (taken before a deploy)']);
  });

  it('one in use or being drilled stays past its window', () => {
    const history = [
      b('restoring', '2026-01-01T00:00:00Z', 'safety', { inUse: true }),
      b('drilling', '2026-01-02T00:00:00Z', 'safety', { drill: 'running' }),
      b('newest', '2026-06-01T00:00:00Z', 'safety'),
    ];
    expect(kept(retention(history, DAILY, new Date('2026-12-01T00:00:00Z')))).toEqual([
      'newest',
      'drilling',
      'restoring',
    ]);
  });
});
