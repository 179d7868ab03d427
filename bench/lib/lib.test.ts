import { describe, expect, it } from 'vitest';
import { parseArgs, positiveInt } from './args.js';
import { crashOf, type ProcessRun } from './proc.js';
import { summarize } from './stats.js';
import { formatTable, ratio } from './table.js';

const runOf = (stderr: string, code: number | null = 1): ProcessRun => ({
  ms: 1,
  code,
  signal: null,
  stdout: '',
  stderr,
});

describe('summarize', () => {
  it('gives the best and the median, whatever the order', () => {
    expect(summarize([30, 10, 20])).toEqual({ runs: 3, bestMs: 10, medianMs: 20 });
    expect(summarize([40, 10, 20, 30])).toEqual({ runs: 4, bestMs: 10, medianMs: 25 });
  });

  it('refuses an empty sample', () => {
    expect(() => summarize([])).toThrow(/no samples/);
  });
});

describe('crashOf', () => {
  it('treats a plain non-zero exit as findings, not a crash', () => {
    expect(crashOf(runOf('compose.yml\n  3:1  error  Unknown key\n'))).toBeUndefined();
  });

  it('names the error of a Node stack trace', () => {
    const stderr = [
      'node:internal/modules/run_main:123',
      '    triggerUncaughtException(',
      'Error: Merge sources must be maps or map aliases',
      '    at mergeValue (/x/node_modules/yaml/dist/schema/yaml-1.1/merge.js:44:15)',
    ].join('\n');
    expect(crashOf(runOf(stderr))).toBe('Error: Merge sources must be maps or map aliases');
  });

  it('reports death by signal', () => {
    expect(crashOf({ ...runOf('', null), signal: 'SIGKILL' })).toBe('killed by SIGKILL');
  });
});

describe('parseArgs', () => {
  it('separates flags, values (both spellings) and unknown options', () => {
    const parsed = parseArgs(['--runs', '5', '--limit=10', '--skip-dclint', '--nope', 'extra'], {
      flags: ['--skip-dclint'],
      values: ['--runs', '--limit'],
    });
    expect([...parsed.flags]).toEqual(['--skip-dclint']);
    expect(Object.fromEntries(parsed.values)).toEqual({ '--runs': '5', '--limit': '10' });
    expect(parsed.unknown).toEqual(['--nope']);
    expect(parsed.positional).toEqual(['extra']);
  });

  it('accepts only positive integers as counts', () => {
    expect(positiveInt(undefined, 3)).toBe(3);
    expect(positiveInt('4', 3)).toBe(4);
    expect(positiveInt('0', 3)).toBeUndefined();
    expect(positiveInt('2.5', 3)).toBeUndefined();
  });
});

describe('formatTable', () => {
  it('aligns columns and right-aligns numbers', () => {
    const table = formatTable(
      ['name', 'n'],
      [
        ['a', '5'],
        ['long name', '10'],
      ],
      ['left', 'right'],
    );
    expect(table.split('\n')).toEqual(['name        n', '---------  --', 'a           5', 'long name  10']);
  });

  it('gives no ratio for a zero denominator', () => {
    expect(ratio(10, 0)).toBe('-');
    expect(ratio(10, 4)).toBe('2.5x');
  });
});
