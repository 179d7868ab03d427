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

// After `berth down`, a probe that ran is `stopped` (its stack was taken down on purpose), not
// `pending` as if it had never run, and not down, with what to do; its uptime is still read from
// the buckets its counted results made; no alert; `up` brings it back. Results while a deploy or
// the down holds the stack's lock are not counted, by design: a probe that ran only then has no
// uptime (`-`), even though it was UP.

const compose = aliveProbeCompose();

let h: DeployHarness;
let kit: HealthKit;
let stack: string;
let loaded: LoadedStack;

const { alive, until } = aliveProbe(() => ({ kit, stack }));

beforeAll(async () => {
  ({ h, kit, stack, loaded } = await startStackHealth(compose, {
    tuning: { syncIntervalMs: 500, sweepIntervalMs: 600_000, flushIntervalMs: 200 },
  }));
}, 60_000);

afterAll(() => stopStackHealth({ h, kit }));

describe('a probe of a stack taken down', () => {
  it('is stopped after `berth down`, not pending and not down, keeps its uptime, and runs again after `up`', async () => {
    expect((await h.deploy(loaded)).outcome).toBe('succeeded');
    // It ran during the deploy's gate, with the stack's lock held: shown, not counted.
    const during = alive();
    expect(during?.last?.detail).toMatch(/\(not counted: Berth is deploying stack /);
    expect(during?.uptime['24h']).toBeNull();
    await until('a counted result', () => alive()?.uptime['24h'] === 1);
    await downStack({ engine: h.engine, store: h.store, owner: h.owner() }, stack, {
      order: { levels: loaded.graph.levels },
    });
    await until('the probe to be forgotten', () => alive()?.last === undefined);
    expect(alive()).toMatchObject({
      service: 'web',
      status: 'stopped',
      watched: false,
      notRunning: { cause: 'down', hint: `\`berth up ${stack}\` starts it again` },
    });
    // The buckets stay, and are read: the uptime its counted results made, before the down.
    expect(alive()?.uptime['24h']).toBe(1);
    const detail = kit.health.detail({ stack, service: 'web', probe: 'alive' });
    expect(detail.hours.reduce((sum, b) => sum + b.total, 0)).toBeGreaterThan(0);
    expect(kit.events.filter((e) => e.stack === stack && e.type === 'probe-down')).toEqual([]);
    expect((await h.deploy(loaded)).outcome).toBe('succeeded');
    await until('the probe to run again', () => alive()?.status === 'up');
    expect(alive()?.notRunning).toBeUndefined();
  }, 120_000);
});
