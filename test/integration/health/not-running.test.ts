import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedStack } from '../../../src/compose/stack.js';
import { downStack } from '../../../src/deploy/down.js';
import type { DeployHarness } from '../deploy/support.js';
import {
  aliveProbe,
  aliveProbeCompose,
  type HealthKit,
  startStackHealth,
  stopStackHealth,
} from './support.js';

// A stack whose deployments were all rolled back runs nothing: its declared probes say so
// (`not-running`, with the deployment and what to do), instead of `pending` forever; after a down,
// a failed `up` leaves it not running too. A deploy that succeeds clears it. No alert all along.

const compose = (version: 'good' | 'broken') =>
  aliveProbeCompose({
    head: 'x-berth:\n  deploy: { health_timeout: 3s, stable_window: 1s }\n',
    healthcheck: `{ test: ["CMD", "${version === 'good' ? 'true' : 'false'}"], interval: 1s, timeout: 2s, retries: 1 }`,
  });

let h: DeployHarness;
let kit: HealthKit;
let stack: string;
let current: LoadedStack;

const { alive, until } = aliveProbe(() => ({ kit, stack }));

/** Deploys `version` of the stack (the health service follows the files deployed last). */
async function deploy(version: 'good' | 'broken') {
  current = await h.load(h.writeStack(compose(version)), stack);
  return h.deploy(current);
}

beforeAll(async () => {
  ({
    h,
    kit,
    stack,
    loaded: current,
  } = await startStackHealth(compose('broken'), {
    stacks: async () => [current],
    tuning: { syncIntervalMs: 500, sweepIntervalMs: 600_000, flushIntervalMs: 200 },
  }));
}, 60_000);

afterAll(() => stopStackHealth({ h, kit }));

describe('a stack whose deployments left nothing running', () => {
  it('is not running after its first deploy was rolled back, and runs after one that succeeds', async () => {
    const first = await h.deploy(current);
    expect(first.outcome).toBe('rolled-back');
    await until('the probe to be forgotten', () => alive()?.last === undefined);
    expect(alive()).toMatchObject({
      status: 'not-running',
      watched: false,
      notRunning: {
        cause: 'deployment',
        deploymentId: first.deploymentId,
        outcome: 'rolled-back',
        after: 'nothing',
      },
    });
    expect(alive()?.notRunning?.hint).toContain(`\`berth up ${stack}\``);

    expect((await deploy('good')).outcome).toBe('succeeded');
    await until('the probe to run', () => alive()?.status === 'up');
    expect(alive()?.notRunning).toBeUndefined();
  }, 120_000);

  it('is not running after a down and a failed `up`, and runs again after one that succeeds', async () => {
    await downStack({ engine: h.engine, store: h.store, owner: h.owner() }, stack, {
      order: { levels: current.graph.levels },
    });
    await until('the probe to be forgotten', () => alive()?.last === undefined);
    expect(alive()).toMatchObject({ status: 'stopped', notRunning: { cause: 'down' } });

    const failed = await deploy('broken');
    expect(failed.outcome).toBe('rolled-back');
    await kit.health.sync();
    expect(alive()).toMatchObject({
      status: 'not-running',
      watched: false,
      notRunning: { cause: 'deployment', deploymentId: failed.deploymentId, after: 'down' },
    });

    expect((await deploy('good')).outcome).toBe('succeeded');
    await until('the probe to run again', () => alive()?.status === 'up');
    expect(alive()?.notRunning).toBeUndefined();
    // Nothing of it was an outage: no probe of the stack went DOWN.
    expect(kit.events.filter((e) => e.stack === stack && e.type === 'probe-down')).toEqual([]);
  }, 120_000);
});
