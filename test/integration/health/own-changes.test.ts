import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedStack } from '../../../src/compose/stack.js';
import { type DeployHarness, SLEEPER } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';
import { type HealthKit, startStackHealth, stopStackHealth } from './support.js';

// Berth's own changes are not outages: while a deploy holds the stack's lock, the replacement it is
// gating (stop-first: its service writes to a named volume; created, starting, never healthy, then
// rolled back, and the previous container started again) is looked at and shown, but its failures
// neither lower the service's uptime nor turn a probe DOWN (no alert). Operators saw 88.88% uptime
// for a service whose only outage was a deploy Berth rolled back.

const compose = (version: 'good' | 'broken') => `x-berth:
  deploy: { health_timeout: 5s, stable_window: 1s }
services:
  web:
    image: ${BUSYBOX}
    command: ${version === 'good' ? MARKED : SLEEPER}
    healthcheck: { test: ["CMD", "${version === 'good' ? 'true' : 'false'}"], interval: ${version === 'good' ? '1s' : '30s'}, timeout: 2s, retries: 1 }
    volumes: [data:/data]
    x-berth:
      probes:
        alive:
          type: command
          command: ["test", "-f", "/tmp/ok"]
          interval: 1s
volumes:
  data: {}
`;

// The good version marks itself; the broken one does not, and its health check stays `starting`
// (30 s interval) until the deploy's 5 s timeout: for seconds, the `alive` probe fails in it.
const MARKED = `["sh", "-c", "touch /tmp/ok; trap 'exit 0' TERM; while :; do sleep 1 & wait; done"]`;

let h: DeployHarness;
let kit: HealthKit;
let stack: string;
let current: LoadedStack;

beforeAll(async () => {
  // The health service follows the version deployed last (`current`), as serve follows the files.
  ({
    h,
    kit,
    stack,
    loaded: current,
  } = await startStackHealth(compose('good'), {
    stacks: async () => (current ? [current] : []),
    tuning: { syncIntervalMs: 300, sweepIntervalMs: 300, flushIntervalMs: 100 },
  }));
}, 60_000);

afterAll(() => stopStackHealth({ h, kit }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a deploy's replacement that never became healthy", () => {
  it('is shown as not counted, and costs the service no uptime and no alert', async () => {
    expect((await h.deploy(current)).outcome).toBe('succeeded');
    await sleep(1_500);
    const container = { stack, service: 'web', probe: 'container' };
    expect(kit.health.detail(container).probe.status).toBe('up');

    // Every result of the stack's probes while the broken version is deployed and rolled back.
    const seen: string[] = [];
    const stopWatching = kit.health.onResult((key, result) => {
      if (key.stack === stack) seen.push(`${key.probe}: ${result.ok ? 'ok' : 'failed'}: ${result.detail}`);
    });
    try {
      current = await h.load(h.writeStack(compose('broken')), stack);
      const result = await h.deploy(current);
      expect(result.outcome).toBe('rolled-back');
    } finally {
      stopWatching();
    }
    await sleep(1_500);
    await kit.health.sync();

    // The replacement was looked at during the deploy: a failure, shown with why it is not counted.
    const held = seen.filter((d) => d.includes('(not counted: Berth is deploying stack'));
    expect(held.some((d) => d.startsWith('alive: failed:'))).toBe(true);
    // Nothing went DOWN, and every counted result of the stack's probes succeeded.
    expect(kit.events.filter((e) => e.stack === stack && e.type === 'probe-down')).toEqual([]);
    const buckets = h.store.probes.buckets('hour', 0, stack);
    expect(buckets.length).toBeGreaterThan(0);
    for (const b of buckets) expect(b, `${b.probe}`).toMatchObject({ ok: b.total });
    expect(kit.health.detail(container).probe.uptime['24h']).toBe(1);
    expect(kit.health.detail({ stack, service: 'web', probe: 'alive' }).probe.uptime['24h']).toBe(1);
  }, 120_000);
});
