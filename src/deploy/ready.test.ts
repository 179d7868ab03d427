import { describe, expect, it } from 'vitest';
import { containerInfo, healthOf, iso, T0 } from '../../test/support/health-fixtures.js';
import type { ContainerInfo } from '../engine/types.js';
import { type GatePolicy, type GateState, startGate } from '../health/index.js';
import { type CheckRun, DOCKER_CHECK_INTERVAL_MS, observeReady, recentPassHolds } from './ready.js';

const POLICY: GatePolicy = { kind: 'healthcheck', timeoutMs: 20_000, stableWindowMs: 10_000 };
const starting = healthOf('starting');

function gate(): GateState {
  return startGate(POLICY, { at: T0, info: containerInfo({ health: starting }) });
}

const look = (offset: number, over: Partial<ContainerInfo> = {}) => ({
  at: T0 + offset,
  info: containerInfo({ health: starting, ...over }),
});
const run = (offset: number, exitCode: number, output = ''): CheckRun => ({
  at: T0 + offset,
  exitCode,
  output,
});

describe('observeReady', () => {
  it('passes as soon as Berth’s run exits 0 while the container runs, showing Docker’s status', () => {
    const { verdict, state } = observeReady(gate(), look(320), run(300, 0, 'ok'));
    expect(verdict).toEqual({
      state: 'passed',
      detail: 'its healthcheck passed 300ms after the gate started (Docker: starting)',
    });
    expect(state.decided).toEqual(verdict);
    expect(observeReady(gate(), look(4300), run(4260, 0)).verdict.detail).toContain('passed 4.3s after');
  });

  it('passes on Docker’s healthy too, without a run of its own', () => {
    expect(observeReady(gate(), look(1000, { health: healthOf('healthy', ['ok'], 0) })).verdict).toEqual({
      state: 'passed',
      detail: 'healthy',
    });
  });

  it('stays pending while its runs fail, saying what the last one printed', () => {
    const { verdict } = observeReady(gate(), look(600), run(550, 1, 'wget: can’t connect\n'));
    expect(verdict).toEqual({
      state: 'pending',
      detail: "health: starting; Berth's check: exit 1",
    });
    expect(observeReady(gate(), look(600), run(550, 7)).verdict.detail).toBe(
      "health: starting; Berth's check: exit 7",
    );
  });

  it('does not count failed runs against the gate: only Docker’s unhealthy fails it', () => {
    let state = gate();
    for (let i = 1; i <= 40; i++) {
      const r = observeReady(state, look(i * 250), run(i * 250 - 10, 1, 'not yet'));
      expect(r.verdict.state).toBe('pending');
      state = r.state;
    }
    const unhealthy = observeReady(
      state,
      look(10_500, { health: healthOf('unhealthy', ['refused'], 1, 3) }),
      run(10_400, 1, 'not yet'),
    );
    expect(unhealthy.verdict).toEqual({
      state: 'failed',
      reason: 'unhealthy',
      detail: 'unhealthy: last check exited 1',
      healthOutput: 'refused',
    });
  });

  it('times out at the deadline with Berth’s last output when Docker has none', () => {
    const r = observeReady(gate(), look(20_001), run(19_900, -1, 'Health check exceeded timeout (3s)'));
    expect(r.verdict).toEqual({
      state: 'failed',
      reason: 'timeout',
      detail: 'not healthy after 20s (health: starting); last check timed out after 3s',
      healthOutput: 'Health check exceeded timeout (3s)',
    });
  });

  it('still passes on a run that passed, seen after the deadline', () => {
    expect(observeReady(gate(), look(20_050), run(20_000, 0)).verdict.state).toBe('passed');
  });

  it('ignores a passing run when the container restarted, exited or was replaced since it started', () => {
    expect(observeReady(gate(), look(900, { restartCount: 1 }), run(800, 0)).verdict).toMatchObject({
      state: 'failed',
      reason: 'crash-loop',
    });
    expect(
      observeReady(gate(), look(900, { state: 'exited', exitCode: 3 }), run(800, 0)).verdict,
    ).toMatchObject({ state: 'failed', reason: 'exited' });
    expect(observeReady(gate(), look(900, { id: 'other' }), run(800, 0)).verdict).toMatchObject({
      state: 'failed',
      reason: 'missing',
    });
    expect(observeReady(gate(), { at: T0 + 900, missing: true }, run(800, 0)).verdict).toMatchObject({
      state: 'failed',
      reason: 'missing',
    });
    expect(observeReady(gate(), look(900, { state: 'paused' }), run(800, 0)).verdict.state).toBe('pending');
  });

  it('ignores a run from before the gate started', () => {
    expect(observeReady(gate(), look(100), run(-50, 0)).verdict).toEqual({
      state: 'pending',
      detail: 'health: starting',
    });
  });

  it('never changes its mind once decided', () => {
    const passed = observeReady(gate(), look(300), run(300, 0));
    const later = observeReady(passed.state, look(900, { state: 'exited', exitCode: 1 }), run(850, 1));
    expect(later.verdict).toEqual(passed.verdict);
    const failed = observeReady(gate(), look(300, { state: 'exited', exitCode: 1 }));
    expect(observeReady(failed.state, look(600), run(500, 0)).verdict).toEqual(failed.verdict);
  });
});

describe('recentPassHolds', () => {
  const check = { test: ['CMD', 'true'], intervalMs: 5000 };
  const dep = (over: Partial<ContainerInfo> = {}) =>
    containerInfo({ health: starting, healthcheck: check, ...over });
  const passedAt = T0 + 800;

  it('counts a pass of this container run while Docker says starting, within one Docker interval', () => {
    expect(recentPassHolds(dep(), passedAt, passedAt)).toBe(true);
    expect(recentPassHolds(dep(), passedAt, passedAt + 4999)).toBe(true);
  });

  it('stops counting it one interval after the pass (Docker’s 30s default, or a shorter start_interval)', () => {
    expect(recentPassHolds(dep(), passedAt, passedAt + 5000)).toBe(false);
    const noInterval = dep({ healthcheck: { test: ['CMD', 'true'] } });
    expect(recentPassHolds(noInterval, passedAt, passedAt + DOCKER_CHECK_INTERVAL_MS - 1)).toBe(true);
    expect(recentPassHolds(noInterval, passedAt, passedAt + DOCKER_CHECK_INTERVAL_MS)).toBe(false);
    const fastStart = dep({ healthcheck: { ...check, startIntervalMs: 1000 } });
    expect(recentPassHolds(fastStart, passedAt, passedAt + 1000)).toBe(false);
  });

  it('needs a pass at all, on a container running since before it', () => {
    expect(recentPassHolds(dep(), undefined, passedAt)).toBe(false);
    // Restarted after the pass: startedAt moved past it.
    expect(recentPassHolds(dep({ startedAt: iso(passedAt + 1) }), passedAt, passedAt + 10)).toBe(false);
    expect(recentPassHolds(dep({ startedAt: null }), passedAt, passedAt + 10)).toBe(false);
    // A clock that went back: no evidence from the future.
    expect(recentPassHolds(dep(), passedAt, passedAt - 1)).toBe(false);
  });

  it('leaves Docker’s own verdicts and any other state to the usual rules', () => {
    for (const over of [
      { health: healthOf('healthy') },
      { health: healthOf('unhealthy', ['refused'], 1, 3) },
      { health: undefined },
      { state: 'exited' as const, exitCode: 0 },
      { state: 'paused' as const },
      { state: 'restarting' as const },
    ])
      expect(recentPassHolds(dep(over), passedAt, passedAt + 10)).toBe(false);
  });

  it('does not count it once Docker ran the check and it failed since', () => {
    const failedRun = (end: string) => ({
      status: 'starting' as const,
      failingStreak: 1,
      log: [{ exitCode: 1, output: 'refused', start: end, end }],
    });
    expect(recentPassHolds(dep({ health: failedRun(iso(passedAt + 100)) }), passedAt, passedAt + 200)).toBe(
      false,
    );
    expect(recentPassHolds(dep({ health: failedRun('') }), passedAt, passedAt + 200)).toBe(false);
    // A failure before the pass is what the pass answered.
    expect(recentPassHolds(dep({ health: failedRun(iso(passedAt - 100)) }), passedAt, passedAt + 200)).toBe(
      true,
    );
  });
});
