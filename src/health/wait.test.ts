import { describe, expect, it } from 'vitest';
import { containerInfo, healthOf, T0 } from '../../test/support/health-fixtures.js';
import { type ManualClock, manualClock } from '../clock.js';
import type { ContainerInfo, HealthStatus } from '../engine/types.js';
import type { GatePolicy, GateVerdict } from './gate.js';
import { runGate, waitForCondition } from './wait.js';

const container = containerInfo;
const withHealth = (status: HealthStatus): ContainerInfo => container({ health: healthOf(status) });

/** A probe that returns the script in order, then its last entry forever; records when it was called. */
function scripted<T>(clock: ManualClock, script: readonly T[]): { probe: () => Promise<T>; calls: number[] } {
  const calls: number[] = [];
  const queue = [...script];
  let last: { value: T } | undefined;
  const probe = async (): Promise<T> => {
    calls.push(clock.now().getTime() - T0);
    for (const value of queue.splice(0, 1)) last = { value };
    if (last === undefined) throw new Error('empty script');
    return last.value;
  };
  return { probe, calls };
}

const HC: GatePolicy = { kind: 'healthcheck', timeoutMs: 5000, stableWindowMs: 0 };

describe('runGate', () => {
  it('polls until the gate passes, reporting every verdict', async () => {
    const clock = manualClock(new Date(T0));
    const { probe, calls } = scripted(clock, [
      withHealth('starting'),
      withHealth('starting'),
      withHealth('healthy'),
    ]);
    const seen: GateVerdict[] = [];
    const result = runGate(HC, probe, { clock, intervalMs: 1000 }, (v) => seen.push(v));
    await clock.advance(10_000);
    await expect(result).resolves.toEqual({ state: 'passed', detail: 'healthy' });
    expect(calls).toEqual([0, 1000, 2000]);
    expect(seen.map((v) => v.state)).toEqual(['pending', 'pending', 'passed']);
  });

  it('decides on the first look without sleeping', async () => {
    const clock = manualClock(new Date(T0));
    const { probe, calls } = scripted(clock, [container({ state: 'exited', exitCode: 0 })]);
    const policy: GatePolicy = { kind: 'completes', timeoutMs: 1000, stableWindowMs: 0 };
    await expect(runGate(policy, probe, { clock, intervalMs: 500 })).resolves.toEqual({
      state: 'passed',
      detail: 'exited with code 0',
    });
    expect(calls).toEqual([0]);
  });

  it('ends with a timeout right after the deadline, not an interval later', async () => {
    const clock = manualClock(new Date(T0));
    const { probe, calls } = scripted(clock, [withHealth('starting')]);
    const result = runGate(HC, probe, { clock, intervalMs: 2000 });
    await clock.advance(60_000);
    await expect(result).resolves.toMatchObject({ state: 'failed', reason: 'timeout' });
    expect(calls).toEqual([0, 2000, 4000, 5001]);
  });

  it('never loops forever when nothing changes', async () => {
    const clock = manualClock(new Date(T0));
    const { probe, calls } = scripted(clock, [container({ state: 'created', startedAt: null })]);
    const policy: GatePolicy = { kind: 'stable', timeoutMs: 1000, stableWindowMs: 3000 };
    const result = runGate(policy, probe, { clock, intervalMs: 100 });
    await clock.advance(3_600_000);
    await expect(result).resolves.toMatchObject({
      reason: 'timeout',
      detail: 'not stable after 4s (created, not started yet)',
    });
    expect(calls).toHaveLength(42); // 0, 100, …, 4000, then 4001
  });

  it('passes a stable container once the window is reached', async () => {
    const clock = manualClock(new Date(T0));
    const { probe, calls } = scripted(clock, [container()]);
    const policy: GatePolicy = { kind: 'stable', timeoutMs: 10_000, stableWindowMs: 3000 };
    const result = runGate(policy, probe, { clock, intervalMs: 1000 });
    await clock.advance(10_000);
    await expect(result).resolves.toEqual({ state: 'passed', detail: 'running for 3s without restarting' });
    expect(calls).toEqual([0, 1000, 2000, 3000]);
  });

  it('fails as missing when the container is gone at the start or later', async () => {
    const clock = manualClock(new Date(T0));
    const gone = scripted<ContainerInfo | undefined>(clock, [undefined]);
    await expect(runGate(HC, gone.probe, { clock, intervalMs: 1000 })).resolves.toMatchObject({
      reason: 'missing',
    });
    expect(gone.calls).toEqual([0]);

    const later = scripted<ContainerInfo | undefined>(clock, [withHealth('starting'), undefined]);
    const result = runGate(HC, later.probe, { clock, intervalMs: 1000 });
    await clock.advance(10_000);
    await expect(result).resolves.toEqual({
      state: 'failed',
      reason: 'missing',
      detail: 'shop-db-1 is gone: it was removed while Berth waited',
    });
  });

  it('rejects with the reason when aborted while sleeping, and stops probing', async () => {
    const clock = manualClock(new Date(T0));
    const { probe, calls } = scripted(clock, [withHealth('starting')]);
    const controller = new AbortController();
    const reason = new Error('deploy cancelled');
    const result = runGate(HC, probe, { clock, intervalMs: 1000, signal: controller.signal });
    const settled = expect(result).rejects.toBe(reason);
    await clock.advance(1500);
    controller.abort(reason);
    await clock.advance(10_000);
    await settled;
    expect(calls).toEqual([0, 1000]);
  });

  it('rejects without probing when already aborted', async () => {
    const clock = manualClock(new Date(T0));
    const { probe, calls } = scripted(clock, [withHealth('healthy')]);
    const reason = new Error('no');
    await expect(
      runGate(HC, probe, { clock, intervalMs: 1000, signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(calls).toEqual([]);
  });

  it('rejects when aborted while a probe runs, ignoring what the probe saw', async () => {
    const clock = manualClock(new Date(T0));
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const probe = async () => {
      controller.abort(reason);
      return withHealth('healthy');
    };
    await expect(runGate(HC, probe, { clock, intervalMs: 1000, signal: controller.signal })).rejects.toBe(
      reason,
    );
  });

  it('passes probe errors through', async () => {
    const clock = manualClock(new Date(T0));
    const error = new Error('engine unavailable');
    await expect(runGate(HC, () => Promise.reject(error), { clock, intervalMs: 1000 })).rejects.toBe(error);
  });

  it.each([0, -1, Number.NaN])('refuses an interval of %d', async (intervalMs) => {
    const clock = manualClock(new Date(T0));
    await expect(runGate(HC, async () => withHealth('healthy'), { clock, intervalMs })).rejects.toThrow(
      RangeError,
    );
  });
});

describe('waitForCondition', () => {
  it('waits until every replica satisfies the condition', async () => {
    const clock = manualClock(new Date(T0));
    const { probe, calls } = scripted(clock, [
      [],
      [withHealth('starting')],
      [withHealth('healthy'), withHealth('starting')],
      [withHealth('healthy'), withHealth('healthy')],
    ]);
    const result = waitForCondition('service_healthy', probe, { clock, intervalMs: 500, timeoutMs: 10_000 });
    await clock.advance(10_000);
    await expect(result).resolves.toEqual({ holds: true });
    expect(calls).toEqual([0, 500, 1000, 1500]);
  });

  it('stops at once when the condition can never hold', async () => {
    const clock = manualClock(new Date(T0));
    const { probe, calls } = scripted(clock, [[container({ state: 'exited', exitCode: 3 })]]);
    await expect(
      waitForCondition('service_completed_successfully', probe, {
        clock,
        intervalMs: 500,
        timeoutMs: 10_000,
      }),
    ).resolves.toEqual({
      holds: false,
      final: true,
      why: 'shop-db-1 exited with code 3 (it must exit with 0)',
    });
    expect(calls).toEqual([0]);
  });

  it('times out right after the deadline with the last reason', async () => {
    const clock = manualClock(new Date(T0));
    const { probe, calls } = scripted(clock, [[withHealth('starting')]]);
    const result = waitForCondition('service_healthy', probe, { clock, intervalMs: 2000, timeoutMs: 5000 });
    await clock.advance(60_000);
    await expect(result).resolves.toEqual({
      holds: false,
      final: true,
      why: 'timed out after 5s: shop-db-1 is not healthy yet (health: starting)',
    });
    expect(calls).toEqual([0, 2000, 4000, 5001]);
  });

  it('still looks once more when a probe falls exactly on the deadline', async () => {
    const clock = manualClock(new Date(T0));
    const { probe, calls } = scripted(clock, [[] as ContainerInfo[]]);
    const result = waitForCondition('service_started', probe, { clock, intervalMs: 1000, timeoutMs: 2000 });
    await clock.advance(60_000);
    await expect(result).resolves.toEqual({
      holds: false,
      final: true,
      why: 'timed out after 2s: no container yet',
    });
    expect(calls).toEqual([0, 1000, 2000, 2001]);
  });

  it('still holds when the condition is met exactly at the deadline', async () => {
    const clock = manualClock(new Date(T0));
    const { probe, calls } = scripted(clock, [[], [], [container()]]);
    const result = waitForCondition('service_started', probe, { clock, intervalMs: 1000, timeoutMs: 2000 });
    await clock.advance(60_000);
    await expect(result).resolves.toEqual({ holds: true });
    expect(calls).toEqual([0, 1000, 2000]);
  });

  it('rejects with the reason when aborted', async () => {
    const clock = manualClock(new Date(T0));
    const { probe, calls } = scripted(clock, [[] as ContainerInfo[]]);
    const controller = new AbortController();
    const reason = new Error('stop');
    const result = waitForCondition('service_started', probe, {
      clock,
      intervalMs: 1000,
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    const settled = expect(result).rejects.toBe(reason);
    await clock.advance(2500);
    controller.abort(reason);
    await settled;
    expect(calls).toEqual([0, 1000, 2000]);
  });

  it('refuses a negative timeout', async () => {
    const clock = manualClock(new Date(T0));
    await expect(
      waitForCondition('service_started', async () => [], { clock, intervalMs: 1, timeoutMs: -1 }),
    ).rejects.toThrow(RangeError);
  });
});
