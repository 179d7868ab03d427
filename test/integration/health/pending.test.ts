import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedStack } from '../../../src/compose/stack.js';
import type { DeployHarness } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';
import { type HealthKit, startStackHealth, stopStackHealth } from './support.js';

// A probe the files declare is listed, and shown, from the start: `pending` until its first run
// (here a day away), never "not found" and never up.

const compose = `services:
  web:
    image: ${BUSYBOX}
    command: ["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 1 & wait; done"]
    x-berth:
      probes:
        daily:
          type: command
          command: ["true"]
          interval: 24h
`;

let h: DeployHarness;
let kit: HealthKit;
let stack: string;
let loaded: LoadedStack;

beforeAll(async () => {
  ({ h, kit, stack, loaded } = await startStackHealth(compose, {
    tuning: { syncIntervalMs: 600_000, sweepIntervalMs: 600_000, flushIntervalMs: 200 },
  }));
}, 60_000);

afterAll(() => stopStackHealth({ h, kit }));

describe('a declared probe before its first run', () => {
  it('is pending, not watched, before its service has a container', async () => {
    await kit.health.sync();
    const daily = kit.health.list(stack).items.find((p) => p.probe === 'daily');
    expect(daily).toMatchObject({ service: 'web', status: 'pending', watched: false });
    expect(daily?.last).toBeUndefined();
  });

  it('is pending and watched right after a deploy, and `show` answers it as pending', async () => {
    const result = await h.deploy(loaded);
    expect(result.outcome).toBe('succeeded');
    await kit.health.sync();
    const detail = kit.health.detail({ stack, service: 'web', probe: 'daily' });
    expect(detail.probe).toMatchObject({ type: 'command', status: 'pending', watched: true });
    expect(detail.probe.uptime).toEqual({ '24h': null, '7d': null, '30d': null });
    expect(detail.failures).toEqual([]);
    // The built-in probe is there too, with its own state.
    expect(kit.health.list(stack).items.map((p) => p.probe)).toContain('daily');
  }, 120_000);
});
