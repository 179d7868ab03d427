import { describe, expect, it } from 'vitest';
import {
  containerInfo,
  exited,
  gateVerdict,
  gateVerdicts,
  health,
  iso,
  policyFor,
  type Step,
  startingHc,
  T0,
} from '../../test/support/health-fixtures.js';
import { effectiveTimeout, startGate } from './gate.js';

const final = gateVerdict;
const verdicts = gateVerdicts;
const container = containerInfo;
const running = {};

describe('gate: healthcheck details', () => {
  it('shows failed checks against the retries while starting, never what they printed', () => {
    const info = { health: health('starting', 'connection refused pw=hunter2\n', 1, 2) };
    expect(final(policyFor('healthcheck', { healthRetries: 5 }), [[0, info]])).toEqual({
      state: 'pending',
      detail: 'health: starting (2/5 checks failed)',
    });
    expect(final(policyFor('healthcheck'), [[0, info]]).detail).toBe('health: starting (2 checks failed)');
  });

  it('says "check" for one failure', () => {
    expect(final(policyFor('healthcheck'), [[0, { health: health('starting', 'x', 1, 1) }]]).detail).toBe(
      'health: starting (1 check failed)',
    );
    expect(final(policyFor('healthcheck'), [[0, { health: health('starting', 'fine', 0, 1) }]]).detail).toBe(
      'health: starting (1 check failed)',
    );
  });

  it('fails a container that has no healthcheck at all instead of waiting for the timeout', () => {
    expect(final(policyFor('healthcheck'), [[0, running]])).toMatchObject({
      state: 'failed',
      reason: 'unhealthy',
    });
  });

  it('reports unhealthy without a log, and a check with no output', () => {
    const noLog = { health: { status: 'unhealthy' as const, failingStreak: 3, log: [] } };
    expect(final(policyFor('healthcheck'), [[0, noLog]]).detail).toBe('unhealthy');
    expect(final(policyFor('healthcheck'), [[0, { health: health('unhealthy', '  \n', 2) }]]).detail).toBe(
      'unhealthy: last check exited 2 with no output',
    );
  });

  it('says a check whose program could not start could not start, not that it timed out (Docker’s -1)', () => {
    const pgrep =
      'OCI runtime exec failed: exec failed: unable to start container process: exec: "pgrep": executable file not found in $PATH: unknown';
    const verdict = final(policyFor('healthcheck'), [[0, { health: health('unhealthy', pgrep, -1, 3) }]]);
    expect(verdict).toEqual({
      state: 'failed',
      reason: 'unhealthy',
      detail:
        'unhealthy: last check could not start its command: "pgrep": executable file not found in $PATH',
      healthOutput: pgrep,
    });
  });

  it('says a check that ran out of time timed out', () => {
    const timeout = 'Health check exceeded timeout (1s)';
    expect(
      final(policyFor('healthcheck'), [[0, { health: health('unhealthy', timeout, -1, 3) }]]).detail,
    ).toBe('unhealthy: last check timed out after 1s');
  });

  it('keeps the last check for the timeout when later looks carry none', () => {
    const steps: Step[] = [
      [0, { health: health('starting', 'db not ready', 1, 1) }],
      [60_001, { health: { status: 'starting', failingStreak: 1, log: [] } }],
    ];
    expect(final(policyFor('healthcheck'), steps).detail).toBe(
      'not healthy after 1m (health: starting (1 check failed)); last check exited 1',
    );
  });

  it('leaves the output out of an unhealthy verdict: details reach viewers, health output does not', () => {
    const output = 'START checking pw=hunter2\nError: the real cause END\n';
    const verdict = final(policyFor('healthcheck'), [[0, { health: health('unhealthy', output, 1, 3) }]]);
    expect(verdict.detail).toBe('unhealthy: last check exited 1');
    expect(verdict.detail).not.toContain('hunter2');
  });
});

describe('gate: stable window', () => {
  const stable = policyFor('stable');

  it('passes exactly at the window and is pending one ms before', () => {
    expect(
      final(stable, [
        [0, running],
        [9_999, running],
      ]),
    ).toEqual({ state: 'pending', detail: 'running for 9s of 10s' });
    expect(
      final(stable, [
        [0, running],
        [10_000, running],
      ]).state,
    ).toBe('passed');
  });

  it("counts from the container's startedAt, not from the first look", () => {
    const started = { startedAt: iso(T0 - 8000) };
    expect(
      final(stable, [
        [0, started],
        [1_999, started],
      ]).state,
    ).toBe('pending');
    expect(
      final(stable, [
        [0, started],
        [2_000, started],
      ]).state,
    ).toBe('passed');
  });

  it.each([['not a date'], [null]])('counts from the first look when startedAt is %s', (startedAt) => {
    const seen = { startedAt };
    expect(
      final(stable, [
        [500, seen],
        [10_499, seen],
      ]).state,
    ).toBe('pending');
    expect(
      final(stable, [
        [500, seen],
        [10_500, seen],
      ]).state,
    ).toBe('passed');
  });

  it('uses the baseline restart count of the first look', () => {
    const seen = { restartCount: 4 };
    expect(
      final(stable, [
        [0, seen],
        [10_000, seen],
      ]).state,
    ).toBe('passed');
    expect(
      final(stable, [
        [0, seen],
        [5_000, { restartCount: 5 }],
      ]),
    ).toMatchObject({ reason: 'crash-loop' });
  });

  it('makes a timeout shorter than the window count from the end of the window', () => {
    const short = policyFor('stable', { timeoutMs: 5000 });
    expect(effectiveTimeout(short)).toBe(15_000);
    const waiting = { state: 'paused' as const };
    expect(
      final(short, [
        [0, waiting],
        [15_000, waiting],
      ]).state,
    ).toBe('pending');
    expect(
      final(short, [
        [0, waiting],
        [15_001, waiting],
      ]),
    ).toEqual({
      state: 'failed',
      reason: 'timeout',
      detail: 'not stable after 15s (paused)',
    });
  });

  it('leaves other timeouts alone', () => {
    expect(effectiveTimeout(policyFor('stable', { timeoutMs: 10_000 }))).toBe(10_000);
    expect(effectiveTimeout(policyFor('healthcheck', { timeoutMs: 5000 }))).toBe(5000);
    expect(effectiveTimeout(policyFor('completes', { timeoutMs: 5000 }))).toBe(5000);
  });
});

describe('gate: timeout and decisions', () => {
  it('is pending exactly at the deadline and times out one ms after', () => {
    const hc = policyFor('healthcheck');
    expect(
      final(hc, [
        [0, startingHc],
        [60_000, startingHc],
      ]).state,
    ).toBe('pending');
    expect(
      final(hc, [
        [0, startingHc],
        [60_001, startingHc],
      ]),
    ).toMatchObject({ state: 'failed', reason: 'timeout' });
  });

  it('counts the timeout from the first look', () => {
    const hc = policyFor('healthcheck');
    expect(
      final(hc, [
        [30_000, startingHc],
        [90_000, startingHc],
      ]).state,
    ).toBe('pending');
    expect(
      final(hc, [
        [30_000, startingHc],
        [90_001, startingHc],
      ]).state,
    ).toBe('failed');
  });

  it('lets what the container shows win over a late clock', () => {
    const hc = policyFor('healthcheck');
    expect(
      final(hc, [
        [0, startingHc],
        [70_000, { health: health('healthy') }],
      ]).state,
    ).toBe('passed');
    expect(
      final(policyFor('completes'), [
        [0, running],
        [70_000, exited(3)],
      ]),
    ).toMatchObject({ reason: 'exited' });
  });

  it('never changes its mind once decided', () => {
    const all = verdicts(policyFor('healthcheck'), [
      [0, startingHc],
      [1000, exited(1)],
      [2000, { health: health('healthy') }],
      [3000, 'missing'],
    ]);
    expect(all.map((v) => v.state)).toEqual(['pending', 'failed', 'failed', 'failed']);
    expect(new Set(all.slice(1).map((v) => v.detail))).toEqual(new Set(['exited with code 1']));
  });

  it('with a zero timeout, decides on the first look or times out on the next', () => {
    const zero = policyFor('completes', { timeoutMs: 0 });
    expect(final(zero, [[0, exited(0)]]).state).toBe('passed');
    expect(
      final(zero, [
        [0, running],
        [1, running],
      ]),
    ).toMatchObject({ reason: 'timeout' });
  });

  it.each([[{ timeoutMs: -1 }], [{ timeoutMs: Number.NaN }], [{ stableWindowMs: Number.POSITIVE_INFINITY }]])(
    'rejects an invalid policy %o',
    (over) => {
      expect(() => startGate(policyFor('stable', over), { at: T0, info: container() })).toThrow(RangeError);
    },
  );
});
