import { describe, expect, it } from 'vitest';
import { containerInfo, T0 } from '../../test/support/health-fixtures.js';
import { formatDuration } from '../compose/schema/units.js';
import type { ContainerHealth } from '../engine/types.js';
import {
  clip,
  describeContainer,
  exitCodeText,
  explainExitCode,
  formatAgo,
  lastHealthCheck,
  lastHealthOutput,
  oneLine,
} from './describe.js';

const NOW = T0;
const container = containerInfo;
/** One check per output, exit codes counting up from 0. */
function health(
  status: ContainerHealth['status'],
  outputs: readonly string[],
  failingStreak = 0,
): ContainerHealth {
  return {
    status,
    failingStreak,
    log: outputs.map((output, i) => ({ exitCode: i, output, start: '', end: '' })),
  };
}

const CURL = 'curl: (7) Failed to connect to localhost port 8080 after 0 ms: Couldn’t connect to server';

describe('describeContainer', () => {
  const exitedAt = (msBefore: number) => new Date(NOW - msBefore).toISOString();
  it.each([
    ['running, no healthcheck', {}, 'running'],
    ['healthy', { health: health('healthy', ['ok']) }, 'running (healthy)'],
    ['starting', { health: health('starting', []) }, 'running (health: starting)'],
    [
      'starting with failures',
      { health: health('starting', ['x'], 2) },
      'running (health: starting, 2 failed)',
    ],
    // What the check printed is for operators (`berth health show`): every role reads this line.
    ['unhealthy without a check run', { health: health('unhealthy', []) }, 'running (unhealthy)'],
    [
      'unhealthy, with output',
      { health: health('unhealthy', ['old', ' refused\n']) },
      'running (unhealthy: check exited 1)',
    ],
    [
      'unhealthy, long output',
      { health: health('unhealthy', ['x', CURL]) },
      'running (unhealthy: check exited 1)',
    ],
    [
      'running after restarts',
      { health: health('healthy', []), restartCount: 2 },
      'running (healthy, restarted 2×)',
    ],
    ['paused', { state: 'paused' }, 'paused'],
    ['restarting', { state: 'restarting', restartCount: 5 }, 'restarting (restarted 5×)'],
    [
      'restarting after a failure',
      { state: 'restarting', restartCount: 5, exitCode: 1 },
      'restarting (restarted 5×, last exit 1)',
    ],
    ['restarting, first time', { state: 'restarting', exitCode: 0 }, 'restarting'],
    ['exited', { state: 'exited', exitCode: 137, finishedAt: exitedAt(150_000) }, 'exited (137) 2m ago'],
    [
      'exited after restarts',
      { state: 'exited', exitCode: 1, finishedAt: exitedAt(5000), restartCount: 3 },
      'exited (1) 5s ago, restarted 3×',
    ],
    ['exited, no finish time', { state: 'exited', exitCode: 0, finishedAt: null }, 'exited (0)'],
    ['exited, bad finish time', { state: 'exited', exitCode: 0, finishedAt: 'soon' }, 'exited (0)'],
    ['dead', { state: 'dead', exitCode: 255, finishedAt: exitedAt(3 * 86_400_000) }, 'dead (255) 3d ago'],
    ['created', { state: 'created', startedAt: null }, 'created (never started)'],
    [
      'created, start failed',
      { state: 'created', startedAt: null, exitCode: 128 },
      'created (start failed: exit 128)',
    ],
    ['removing', { state: 'removing' }, 'removing'],
  ] as const)('%s', (_name, over, expected) => {
    expect(describeContainer(container(over), NOW)).toBe(expected);
  });

  it('takes now as a Date or leaves times out without it', () => {
    const info = container({ state: 'exited', exitCode: 2, finishedAt: '2024-05-01T11:00:00Z' });
    expect(describeContainer(info, new Date(NOW))).toBe('exited (2) 1h ago');
    expect(describeContainer(info)).toBe('exited (2)');
  });
});

describe('formatAgo', () => {
  it.each([
    [0, 'just now'],
    [999, 'just now'],
    [-5000, 'just now'],
    [1000, '1s ago'],
    [59_999, '59s ago'],
    [60_000, '1m ago'],
    [3_599_999, '59m ago'],
    [3_600_000, '1h ago'],
    [47 * 3_600_000, '47h ago'],
    [48 * 3_600_000, '2d ago'],
  ])('%i ms → %s', (elapsed, expected) => {
    expect(formatAgo(NOW - elapsed, NOW)).toBe(expected);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [-5, '0s'],
    [250, '250ms'],
    [1000, '1s'],
    [15_000, '15s'],
    [60_000, '1m'],
    [90_000, '1m30s'],
    [3_661_001, '1h1m1s1ms'],
    [1500.4, '1s500ms'],
  ])('%d ms → %s', (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

describe('health output', () => {
  it('reads the last log entry, trimmed', () => {
    const info = container({ health: health('unhealthy', ['first', '\n  second \n']) });
    expect(lastHealthOutput(info)).toBe('second');
    expect(lastHealthCheck(info)?.exitCode).toBe(1);
  });

  it.each([
    ['no health', container()],
    ['an empty log', container({ health: health('starting', []) })],
    ['blank output', container({ health: health('unhealthy', [' \n']) })],
  ])('is undefined with %s', (_name, info) => {
    expect(lastHealthOutput(info)).toBeUndefined();
  });
});

describe('clip', () => {
  it('leaves short text alone', () => {
    expect(clip('abc', 3)).toBe('abc');
  });

  it('cuts short limits, or keep: start, at the end', () => {
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('ab  cdef', 4)).toBe('ab…');
    expect(clip('x'.repeat(100), 50, 'start')).toBe(`${'x'.repeat(49)}…`);
    expect(clip('abcdef', 1)).toBe('…');
  });

  it('keeps the start and the end of long limits, to the exact length', () => {
    const text = `${'a'.repeat(100)}${'z'.repeat(100)}`;
    const out = clip(text, 50);
    expect(Array.from(out)).toHaveLength(50);
    expect(out).toMatch(/^a+ … z+$/);
  });

  it('counts code points, never splitting an emoji', () => {
    const out = clip('🚢'.repeat(100), 10);
    expect(out).toBe(`${'🚢'.repeat(9)}…`);
  });

  it('oneLine folds whitespace runs', () => {
    expect(oneLine('  a\n\n b\tc  ')).toBe('a b c');
  });
});

describe('exit codes', () => {
  it.each([
    [0, undefined],
    [1, undefined],
    [126, 'command cannot be executed'],
    [127, 'command not found'],
    [130, 'SIGINT'],
    [134, 'SIGABRT'],
    [137, 'SIGKILL: killed, often for running out of memory'],
    [139, 'SIGSEGV'],
    [143, 'SIGTERM'],
    [135, 'signal 7'],
    [255, undefined],
  ])('%i → %s', (code, meaning) => {
    expect(explainExitCode(code)).toBe(meaning);
  });

  it('exitCodeText adds the meaning when there is one', () => {
    expect(exitCodeText(2)).toBe('code 2');
    expect(exitCodeText(143)).toBe('code 143 (SIGTERM)');
  });
});
