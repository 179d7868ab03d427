import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../src/api/events.js';
import { containerLabels } from '../../../src/engine/model.js';
import { SPEC_DEFAULTS } from '../../../src/engine/spec-defaults.js';
import { watchContainerEvents } from '../../../src/events/container-watcher.js';
import { EventHub } from '../../../src/events/hub.js';
import { HealthService } from '../../../src/health/service.js';
import { type DeployHarness, startHarness } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';

// A container started while Berth runs gets its built-in `container` probe at its first look (the
// engine's start event), not at the next sweep: here sweeps are 10 minutes apart.

let h: DeployHarness;
let hub: EventHub;
let health: HealthService;
const watching = new AbortController();
let watcher: Promise<void>;

beforeAll(async () => {
  h = await startHarness();
  hub = new EventHub(h.store.events);
  watcher = watchContainerEvents({ engine: async () => h.engine, events: hub, signal: watching.signal });
  health = new HealthService({
    engine: async () => h.engine,
    store: () => h.store,
    clock: h.clock,
    events: () => hub,
    subscribe: (listener: (e: StreamEvent) => void) => hub.subscribe(listener),
    stacks: async () => [],
    tuning: { syncIntervalMs: 1_000, sweepIntervalMs: 600_000, flushIntervalMs: 200 },
  });
  health.start();
});

afterAll(async () => {
  await health?.drain(1_000);
  watching.abort();
  await watcher;
  await h?.cleanup();
});

describe('the container probe of a new container', () => {
  it('is there within seconds of its start, long before the next sweep', async () => {
    // The first sweep (at start) has run and found nothing of this stack.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const stack = h.stackName();
    const created = await h.engine.containers.create({
      name: `${stack}-web-1`,
      image: BUSYBOX,
      command: ['sh', '-c', "trap 'exit 0' TERM; while :; do sleep 1 & wait; done"],
      ...SPEC_DEFAULTS,
      labels: containerLabels({ stack, service: 'web', replica: 1, configHash: 'x', role: 'current' }),
      networks: [],
      networkMode: 'none',
    });
    h.track(created.id);
    await h.engine.containers.start(created.id);
    const deadline = Date.now() + 15_000;
    let probe: ReturnType<HealthService['list']>['items'][number] | undefined;
    while (Date.now() < deadline && probe === undefined) {
      probe = health.list(stack).items.find((p) => p.service === 'web' && p.probe === 'container');
      if (probe === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(probe).toMatchObject({ type: 'container', status: 'up', last: { ok: true } });
  }, 30_000);
});
