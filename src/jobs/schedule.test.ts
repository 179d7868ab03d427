import { describe, expect, it } from 'vitest';
import {
  describeSchedule,
  nextRun,
  parseSchedule,
  periodAt,
  runsBetween,
  type Schedule,
} from './schedule.js';

const schedule = (text: string, tz?: string): Schedule => {
  const r = parseSchedule(text, tz);
  if (!r.ok) throw new Error(r.message);
  return r.schedule;
};
const at = (iso: string) => new Date(iso);
const ANCHOR = at('2026-01-01T00:00:00Z');

describe('parseSchedule', () => {
  it('takes 5 and 6 fields, nicknames and @every', () => {
    expect(schedule('0,15,30,45 * * * *').kind).toBe('cron');
    expect(schedule('*/10 * * * * *').kind).toBe('cron');
    expect(schedule('@daily').kind).toBe('cron');
    expect(schedule('@every 1h30m')).toMatchObject({ kind: 'every', intervalMs: 5_400_000 });
  });

  it('refuses what cannot run, with a hint', () => {
    for (const bad of ['* * * *', '61 * * * *', '@every 500ms', '@every soon', '0 0 31 2 *']) {
      const r = parseSchedule(bad);
      expect(r.ok, bad).toBe(false);
      if (!r.ok) expect(r.hint).not.toBe('');
    }
    expect(parseSchedule('@daily', 'Nowhere/Land')).toMatchObject({ ok: false, message: /time zone/ });
  });
});

describe('nextRun', () => {
  it('follows the Mautic quarter hours, strictly after the given time', () => {
    const s = schedule('0,15,30,45 * * * *');
    expect(nextRun(s, at('2026-01-01T10:07:00Z'), ANCHOR)).toEqual(at('2026-01-01T10:15:00Z'));
    expect(nextRun(s, at('2026-01-01T10:15:00Z'), ANCHOR)).toEqual(at('2026-01-01T10:30:00Z'));
  });

  it('runs in the job’s time zone, across a DST change', () => {
    const s = schedule('0 3 * * *', 'Europe/Berlin');
    // 03:00 in Berlin is 02:00Z in winter, 01:00Z in summer (DST began 2026-03-29).
    expect(nextRun(s, at('2026-03-28T12:00:00Z'), ANCHOR)).toEqual(at('2026-03-29T01:00:00Z'));
    expect(nextRun(s, at('2026-03-27T12:00:00Z'), ANCHOR)).toEqual(at('2026-03-28T02:00:00Z'));
  });

  it('keeps an interval’s rhythm from its anchor', () => {
    const s = schedule('@every 10m');
    expect(nextRun(s, at('2026-01-01T00:00:00Z'), ANCHOR)).toEqual(at('2026-01-01T00:10:00Z'));
    expect(nextRun(s, at('2026-01-01T00:25:00Z'), ANCHOR)).toEqual(at('2026-01-01T00:30:00Z'));
    expect(nextRun(s, at('2025-12-31T00:00:00Z'), ANCHOR)).toEqual(ANCHOR);
  });
});

describe('runsBetween and periodAt', () => {
  it('counts the runs due in a gap, with the first and the last', () => {
    const s = schedule('0,15,30,45 * * * *');
    expect(runsBetween(s, at('2026-01-01T10:07:00Z'), at('2026-01-01T11:00:00Z'), ANCHOR)).toEqual({
      count: 4,
      more: false,
      first: at('2026-01-01T10:15:00Z'),
      last: at('2026-01-01T11:00:00Z'),
    });
    expect(runsBetween(s, at('2026-01-01T10:16:00Z'), at('2026-01-01T10:29:00Z'), ANCHOR)).toEqual({
      count: 0,
      more: false,
    });
  });

  it('stops counting at its limit and says there were more', () => {
    const r = runsBetween(schedule('@every 1s'), ANCHOR, at('2026-01-02T00:00:00Z'), ANCHOR, 100);
    expect(r).toMatchObject({ count: 100, more: true });
  });

  it('gives the period at a run: a fixed interval, or the gap to the next cron time', () => {
    expect(periodAt(schedule('@every 5m'), ANCHOR, ANCHOR)).toBe(300_000);
    const mautic = schedule('0,15,30,45 * * * *');
    expect(periodAt(mautic, at('2026-01-01T10:15:00Z'), ANCHOR)).toBe(900_000);
    expect(periodAt(schedule('0 3 * * 0'), at('2026-01-04T03:00:00Z'), ANCHOR)).toBe(7 * 86_400_000);
  });

  it('describes a schedule for lists', () => {
    expect(describeSchedule(schedule('@every 5m'))).toBe('every 5m');
    expect(describeSchedule(schedule('0 3 * * *', 'Europe/Berlin'))).toBe('0 3 * * * (Europe/Berlin)');
    expect(describeSchedule(schedule('0 3 * * *'))).toBe('0 3 * * *');
  });
});
