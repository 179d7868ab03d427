import { describe, expect, it } from 'vitest';
import { BUSY_RETRY_MS, planScheduled, retryAt } from './schedule-busy.js';

const now = new Date('2026-12-04T03:00:05Z');
const tomorrow = new Date('2026-12-05T03:00:00Z');
const run = { trigger: 'schedule' as const, scheduledAt: new Date('2026-12-04T03:00:00Z') };

describe('planScheduled', () => {
  it('fires a due backup of a free stack, and looks again at the next scheduled run', () => {
    expect(planScheduled({ run, next: tomorrow }, false, now)).toEqual({ fire: true, nextAt: tomorrow });
  });

  it('does not fire a due backup of a busy stack: it is tried again shortly, not at the next period', () => {
    expect(planScheduled({ run, next: tomorrow }, true, now)).toEqual({
      fire: false,
      nextAt: new Date(now.getTime() + BUSY_RETRY_MS),
    });
  });

  it('leaves a backup that is not due alone, busy or not', () => {
    for (const busy of [false, true]) {
      expect(planScheduled({ next: tomorrow }, busy, now)).toEqual({ fire: false, nextAt: tomorrow });
    }
  });

  it('a catch-up run at start waits for a busy stack the same way', () => {
    const catchup = { trigger: 'catchup' as const, scheduledAt: run.scheduledAt };
    expect(planScheduled({ run: catchup, next: tomorrow }, true, now).fire).toBe(false);
  });
});

describe('retryAt', () => {
  it('gives way to the next scheduled run when that comes before the retry', () => {
    const soon = new Date(now.getTime() + 10_000);
    expect(retryAt(now, soon)).toEqual(soon);
    expect(retryAt(now, tomorrow)).toEqual(new Date(now.getTime() + BUSY_RETRY_MS));
  });
});
