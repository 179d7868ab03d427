import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedStack } from '../../../src/compose/stack.js';
import { downStack } from '../../../src/deploy/down.js';
import { type DeployHarness, SLEEPER } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';
import { type HealthKit, startStackHealth, stopStackHealth } from './support.js';

// After `berth down`, a probe that ran is `stopped` (its stack was taken down on purpose), not
// `pending` as if it had never run, and not down; `up` brings it back.

const compose = `services:
  web:
    image: ${BUSYBOX}
    command: ${SLEEPER}
    stop_signal: SIGKILL
    x-berth:
      probes:
        alive:
          type: command
          command: ["true"]
          interval: 1s
`;

let h: DeployHarness;
let kit: HealthKit;
let stack: string;
let loaded: LoadedStack;

const alive = () => kit.health.list(stack).items.find((p) => p.probe === 'alive');

async function until(what: string, check: () => boolean): Promise<void> {
  const end = Date.now() + 30_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(alive())}`);
    await kit.health.sync();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

beforeAll(async () => {
  ({ h, kit, stack, loaded } = await startStackHealth(compose, {
    tuning: { syncIntervalMs: 500, sweepIntervalMs: 600_000, flushIntervalMs: 200 },
  }));
}, 60_000);

afterAll(() => stopStackHealth({ h, kit }));

describe('a probe of a stack taken down', () => {
  it('is stopped after `berth down`, not pending and not down, and runs again after `up`', async () => {
    expect((await h.deploy(loaded)).outcome).toBe('succeeded');
    await until('the probe to be up', () => alive()?.status === 'up');
    await downStack({ engine: h.engine, store: h.store, owner: h.owner() }, stack, {
      order: { levels: loaded.graph.levels },
    });
    await until('the probe to be forgotten', () => alive()?.last === undefined);
    expect(alive()).toMatchObject({ service: 'web', status: 'stopped', watched: false });
    expect((await h.deploy(loaded)).outcome).toBe('succeeded');
    await until('the probe to run again', () => alive()?.status === 'up');
  }, 120_000);
});
