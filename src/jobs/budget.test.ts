import { describe, expect, it } from 'vitest';
import { budgetPeriod, compileConsumed, consumedBy, remaining, withRemaining } from './budget.js';

const at = (iso: string) => new Date(iso);

describe('budgetPeriod', () => {
  it('starts a day at midnight in the job’s time zone', () => {
    expect(budgetPeriod('day', at('2026-06-10T21:30:00Z'), 'Europe/Berlin')).toEqual({
      start: at('2026-06-09T22:00:00Z'),
      end: at('2026-06-10T22:00:00Z'),
    });
    expect(budgetPeriod('day', at('2026-06-10T22:00:00Z'), 'Europe/Berlin').start).toEqual(
      at('2026-06-10T22:00:00Z'),
    );
  });

  it('has a 23-hour day when DST begins', () => {
    const { start, end } = budgetPeriod('day', at('2026-03-29T12:00:00Z'), 'Europe/Berlin');
    expect(end.getTime() - start.getTime()).toBe(23 * 3_600_000);
  });

  it('starts weeks on Monday, months on the 1st, hours on the hour', () => {
    expect(budgetPeriod('week', at('2026-06-10T12:00:00Z'), 'UTC').start).toEqual(at('2026-06-08T00:00:00Z'));
    expect(budgetPeriod('month', at('2026-06-10T12:00:00Z'), 'UTC')).toEqual({
      start: at('2026-06-01T00:00:00Z'),
      end: at('2026-07-01T00:00:00Z'),
    });
    expect(budgetPeriod('hour', at('2026-06-10T12:34:56Z'), 'Asia/Kolkata').start).toEqual(
      at('2026-06-10T12:30:00Z'),
    );
  });
});

describe('consumption', () => {
  const sent = /sent (?<n>\d+)/;

  it('adds up every match of the consumed pattern', () => {
    expect(consumedBy('batch 1: sent 100\nbatch 2: sent 23\n', sent)).toBe(123);
    expect(consumedBy('nothing to send', sent)).toBe(0);
  });

  it('never goes below zero and substitutes {remaining}', () => {
    expect(remaining({ limit: 3800 }, 3700)).toBe(100);
    expect(remaining({ limit: 3800 }, 3900)).toBe(0);
    expect(withRemaining(['send', '--limit={remaining}', '{remaining}{remaining}'], 42)).toEqual([
      'send',
      '--limit=42',
      '4242',
    ]);
  });

  it('compiles a consumed pattern only with a named group n', () => {
    expect(compileConsumed('sent (?<n>\\d+)')).toMatchObject({ ok: true });
    expect(compileConsumed('sent (\\d+)')).toMatchObject({ ok: false, message: /named group/ });
    expect(compileConsumed('sent (?<n>')).toMatchObject({ ok: false, message: /not a regular expression/ });
  });
});
