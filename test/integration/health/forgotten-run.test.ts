import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedStack } from '../../../src/compose/stack.js';
import { downStack } from '../../../src/deploy/down.js';
import type { MonitorDeps } from '../../../src/health/monitor/monitor.js';
import { runCheck } from '../../../src/health/probes/run.js';
import type { DeployHarness } from '../deploy/support.js';
import {
  aliveProbe,
  aliveProbeCompose,
  type HealthKit,
  startStackHealth,
  stopStackHealth,
} from './support.js';

// A probe run still in flight when its probe is forgotten (its container went with `berth down`,
// or a rollback) must not bring the probe back: its result, a failure against a container that is
// gone, once kept the probe's state for good (never forgotten again: `unknown`, with that failure,
// instead of `stopped`) and counted as downtime of a stack that was taken down on purpose.

const compose = aliveProbeCompose();

let h: DeployHarness;
let kit: HealthKit;
let stack: string;
let loaded: LoadedStack;

/** While set, the next run of `alive` says it started and waits to be let go, then fails. */
let gate: { started: () => void; release: Promise<void> } | undefined;

const gated: MonitorDeps['runCheck'] = async (check, ctx) => {
  const held = gate;
  if (held === undefined) return runCheck(check, ctx);
  gate = undefined;
  held.started();
  await held.release;
  throw new Error('exec "true" in container: No such container');
};

const { alive } = aliveProbe(() => ({ kit, stack }));

beforeAll(async () => {
  ({ h, kit, stack, loaded } = await startStackHealth(compose, {
    tuning: { syncIntervalMs: 600_000, sweepIntervalMs: 600_000, flushIntervalMs: 100, runCheck: gated },
  }));
}, 60_000);

afterAll(() => stopStackHealth({ h, kit }));

describe('a probe run in flight when its probe is forgotten', () => {
  it('records nothing: the probe stays forgotten, stopped, with no failure and no downtime', async () => {
    expect((await h.deploy(loaded)).outcome).toBe('succeeded');
    let release = () => {};
    const started = new Promise<void>((resolve) => {
      gate = { started: resolve, release: new Promise<void>((r) => (release = r)) };
    });
    await kit.health.sync();
    await started;
    await downStack({ engine: h.engine, store: h.store, owner: h.owner() }, stack, {
      order: { levels: loaded.graph.levels },
    });
    // The container is gone: the probe is forgotten while its run still waits.
    await kit.health.sync();
    expect(alive()?.last).toBeUndefined();
    release();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(alive()).toMatchObject({ status: 'stopped', watched: false, notRunning: { cause: 'down' } });
    expect(alive()?.last).toBeUndefined();
    expect(h.store.probes.get({ stack, service: 'web', probe: 'alive' })).toBeUndefined();
    expect(h.store.probes.failures({ stack, service: 'web', probe: 'alive' }, 10)).toEqual([]);
    expect(
      kit.health.detail({ stack, service: 'web', probe: 'alive' }).hours.every((b) => b.ok === b.total),
    ).toBe(true);
  }, 120_000);
});
