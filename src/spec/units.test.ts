import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './units.js';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['10us', 0.01],
    ['1h2m3s4ms', 3_723_004],
    ['+5s', 5000],
    ['.5s', 500],
  ])('%s → %d ms', (input, ms) => {
    expect(parseDuration(input)).toBeCloseTo(ms, 9);
  });

  it.each(['', '10', '10 seconds', '-5s', '5x', 's', '1m 30s', '1.2.3s'])('rejects %j', (input) => {
    expect(parseDuration(input)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [90_000, '1m30s'],
    [3_723_004, '1h2m3s4ms'],
    [500, '500ms'],
  ])('%d → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});
