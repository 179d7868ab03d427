import { describe, expect, it } from 'vitest';
import { parseSince } from './ops.js';

const now = Date.parse('2026-12-06T12:00:00Z');

describe('parseSince', () => {
  it.each([
    ['30s', '2026-12-06T11:59:30.000Z'],
    ['10m', '2026-12-06T11:50:00.000Z'],
    ['2h', '2026-12-06T10:00:00.000Z'],
    ['1d', '2026-12-05T12:00:00.000Z'],
    ['2026-12-01T08:00:00Z', '2026-12-01T08:00:00.000Z'],
    ['2026-12-01T08:00:00.5+01:00', '2026-12-01T07:00:00.500Z'],
    ['2026-12-01', '2026-12-01T00:00:00.000Z'],
  ])('reads %s', (value, expected) => {
    expect(new Date(parseSince(value, now) ?? Number.NaN).toISOString()).toBe(expected);
  });

  it.each(['yesterday', 'March 7', '10', '10 m', '-5m', '2026-13-45', '2026-12-01T25:00Z', ''])(
    'refuses %j',
    (value) => {
      expect(parseSince(value, now)).toBeUndefined();
    },
  );
});
