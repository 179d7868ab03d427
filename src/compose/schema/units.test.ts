import { describe, expect, it } from 'vitest';
import {
  formatDuration,
  parseBoolean,
  parseBytes,
  parseDuration,
  parseFileMode,
  parseInteger,
  parseNumber,
} from './units.js';

describe('parseDuration (Go durations → ms)', () => {
  it.each([
    ['0', 0],
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['1.5h', 5_400_000],
    ['10us', 0.01],
    ['10µs', 0.01],
    ['250ns', 0.00025],
    ['1h2m3s4ms', 3_723_004],
    ['.5s', 500],
    ['-2s', -2000],
    ['+3s', 3000],
  ])('%s → %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '10', '10 seconds', '1d', 's', '1m 30s', 'abc', '--1s', '1.2.3s'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('parseBytes', () => {
  it.each([
    [1024, 1024],
    ['1024', 1024],
    ['100k', 102_400],
    ['512m', 536_870_912],
    ['1g', 1_073_741_824],
    ['1gb', 1_073_741_824],
    ['1GiB', 1_073_741_824],
    ['2.5g', 2_684_354_560],
    ['64M', 67_108_864],
    ['10b', 10],
    ['1 mb', 1_048_576],
    ['-1', -1],
    [-1, -1],
  ] as const)('%j → %d', (value, bytes) => {
    expect(parseBytes(value)).toBe(bytes);
  });

  it.each(['', 'lots', '1x', '1gg', '-5m', 'g', Number.POSITIVE_INFINITY])('rejects %j', (value) => {
    expect(parseBytes(value)).toBeUndefined();
  });
});

describe('scalar text', () => {
  it('reads YAML 1.1 boolean spellings, case-insensitively', () => {
    expect(['true', 'True', 'yes', 'Y', 'on'].map(parseBoolean)).toEqual([true, true, true, true, true]);
    expect(['false', 'FALSE', 'no', 'n', 'off'].map(parseBoolean)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(parseBoolean('1')).toBeUndefined();
    expect(parseBoolean('maybe')).toBeUndefined();
  });

  it('reads whole numbers only', () => {
    expect(parseInteger('42')).toBe(42);
    expect(parseInteger('-1')).toBe(-1);
    expect(parseInteger(' 7 ')).toBe(7);
    expect(parseInteger('1.5')).toBeUndefined();
    expect(parseInteger('0x10')).toBeUndefined();
    expect(parseInteger('')).toBeUndefined();
  });

  it('reads decimal numbers', () => {
    expect(parseNumber('0.5')).toBe(0.5);
    expect(parseNumber('.5')).toBe(0.5);
    expect(parseNumber('2')).toBe(2);
    expect(parseNumber('1e3')).toBe(1000);
    expect(parseNumber('Infinity')).toBeUndefined();
    expect(parseNumber('half')).toBeUndefined();
  });

  it('reads file modes: strings in octal, numbers as written', () => {
    expect(parseFileMode('0440')).toBe(0o440);
    expect(parseFileMode('1777')).toBe(0o1777);
    expect(parseFileMode('0o755')).toBe(0o755);
    expect(parseFileMode(292)).toBe(292);
    expect(parseFileMode('0948')).toBeUndefined();
    expect(parseFileMode(-1)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [90_000, '1m30s'],
    [3_723_004, '1h2m3s4ms'],
    [500, '500ms'],
  ])('%d → %s and back', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});
