import { describe, expect, it } from 'vitest';
import { createXBerthRegistry, validateXBerth } from '../compose/xberth/registry.js';
import type { JobEntry } from './catalog.js';
import { decide, isOverdue, MISSED_AFTER_MS } from './scheduler.js';
import { JOBS_XBERTH_SECTIONS, jobsOf } from './xberth.js';

const registry = createXBerthRegistry(JOBS_XBERTH_SECTIONS);

function entry(job: Record<string, unknown>): JobEntry {
  const parsed = validateXBerth(registry, 'service', { jobs: { j: job } }, ['s']);
  const definition = jobsOf(parsed.values).j;
  if (!definition) throw new Error(JSON.stringify(parsed.findings));
  return {
    key: { stack: 'shop', service: 'app', job: 'j' },
    definition,
    stack: undefined as never,
    mask: (t) => t,
  };
}

const at = (iso: string) => new Date(iso);
const every10m = entry({ schedule: '@every 10m', command: ['x'] });
const quarter = entry({ schedule: '0,15,30,45 * * * *', command: ['x'], catchup: true });
const state = (
  schedule: string,
  nextAt: string,
  extra: { lastSuccessAt?: string; overdueSince?: string } = {},
) => ({
  schedule,
  anchorAt: at('2026-01-01T00:00:00Z'),
  nextAt: at(nextAt),
  ...(extra.lastSuccessAt ? { lastSuccessAt: at(extra.lastSuccessAt) } : {}),
  ...(extra.overdueSince ? { overdueSince: at(extra.overdueSince) } : {}),
});

describe('decide', () => {
  it('starts over, counting nothing as missed, for a job seen for the first time or whose schedule changed', () => {
    const now = at('2026-01-01T10:07:00Z');
    expect(decide(quarter.definition, undefined, now)).toEqual({
      next: at('2026-01-01T10:15:00Z'),
      reset: true,
    });
    expect(decide(quarter.definition, state('every 10m', '2026-01-01T09:00:00Z'), now)).toMatchObject({
      reset: true,
    });
  });

  it('waits while the next run is ahead', () => {
    const s = state('0,15,30,45 * * * *', '2026-01-01T10:15:00Z');
    expect(decide(quarter.definition, s, at('2026-01-01T10:14:59Z'))).toEqual({
      next: s.nextAt,
      reset: false,
    });
  });

  it('runs a job that is due, and moves its next run on', () => {
    const s = state('0,15,30,45 * * * *', '2026-01-01T10:15:00Z');
    expect(decide(quarter.definition, s, at('2026-01-01T10:15:00.200Z'))).toEqual({
      run: { trigger: 'schedule', scheduledAt: at('2026-01-01T10:15:00Z') },
      next: at('2026-01-01T10:30:00Z'),
      reset: false,
    });
  });

  it('records the runs due while it was down as missed, and catches up once when asked', () => {
    const s = state('0,15,30,45 * * * *', '2026-01-01T10:15:00Z');
    const now = at('2026-01-01T12:07:00Z');
    expect(decide(quarter.definition, s, now)).toEqual({
      missed: { count: 8, more: false, first: at('2026-01-01T10:15:00Z'), last: at('2026-01-01T12:00:00Z') },
      run: { trigger: 'catchup', scheduledAt: at('2026-01-01T12:00:00Z') },
      next: at('2026-01-01T12:15:00Z'),
      reset: false,
    });
    const plain = decide(every10m.definition, state('every 10m', '2026-01-01T10:10:00Z'), now);
    expect(plain.run).toBeUndefined();
    expect(plain.missed).toMatchObject({ count: 12 });
  });

  it('starts a run found late by less than the missed threshold', () => {
    const s = state('every 10m', '2026-01-01T10:10:00Z');
    const late = new Date(s.nextAt.getTime() + MISSED_AFTER_MS);
    expect(decide(every10m.definition, s, late).run?.trigger).toBe('schedule');
    expect(decide(every10m.definition, s, new Date(late.getTime() + 1)).missed).toBeDefined();
  });
});

describe('isOverdue', () => {
  it('is true once a job went more than twice its period without a success, and only once', () => {
    const s = (extra = {}) =>
      state('every 10m', '2026-01-01T10:10:00Z', { lastSuccessAt: '2026-01-01T10:00:00Z', ...extra });
    expect(isOverdue(every10m.definition, s(), at('2026-01-01T10:20:00Z'))).toBe(false);
    expect(isOverdue(every10m.definition, s(), at('2026-01-01T10:20:01Z'))).toBe(true);
    expect(
      isOverdue(every10m.definition, s({ overdueSince: '2026-01-01T10:20:01Z' }), at('2026-01-01T11:00:00Z')),
    ).toBe(false);
  });

  it('counts from when the job was first seen when it never succeeded', () => {
    expect(
      isOverdue(every10m.definition, state('every 10m', '2026-01-01T00:10:00Z'), at('2026-01-01T00:20:01Z')),
    ).toBe(true);
  });
});
