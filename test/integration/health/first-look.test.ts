import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HealthService } from '../../../src/health/service.js';
import { type DeployHarness, startHarness } from '../deploy/support.js';
import { type HealthKit, startHealth, startLabelled } from './support.js';

// A container started while Berth runs gets its built-in `container` probe at its first look (the
// engine's start event), not at the next sweep: here sweeps are 10 minutes apart.

let h: DeployHarness;
let kit: HealthKit;

beforeAll(async () => {
  h = await startHarness();
  kit = startHealth(h, { tuning: { syncIntervalMs: 1_000, sweepIntervalMs: 600_000, flushIntervalMs: 200 } });
});

afterAll(async () => {
  await kit?.stop();
  await h?.cleanup();
});

describe('the container probe of a new container', () => {
  it('is there within seconds of its start, long before the next sweep', async () => {
    // The first sweep (at start) has run and found nothing of this stack.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const stack = h.stackName();
    await startLabelled(h, stack, 'web', [
      'sh',
      '-c',
      "trap 'exit 0' TERM; while :; do sleep 1 & wait; done",
    ]);
    const deadline = Date.now() + 15_000;
    let probe: ReturnType<HealthService['list']>['items'][number] | undefined;
    while (Date.now() < deadline && probe === undefined) {
      probe = kit.health.list(stack).items.find((p) => p.service === 'web' && p.probe === 'container');
      if (probe === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(probe).toMatchObject({ type: 'container', status: 'up', last: { ok: true } });
  }, 30_000);
});
