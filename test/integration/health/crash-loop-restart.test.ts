import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../../src/api/events.js';
import { type DeployHarness, startHarness } from '../deploy/support.js';
import { type HealthKit, startHealth, startLabelled } from './support.js';

// Berth restarts while a container crash-loops and its alert is open: the new monitor's first look
// must not call the loop over because the container happens to run at that moment (it did, then
// opened the alert again a minute later: two messages per restart for one loop).

const SWEEP_MS = 1_000;

let h: DeployHarness;
let kit: HealthKit | undefined;
let stack: string;

beforeAll(async () => {
  h = await startHarness();
  stack = h.stackName();
}, 60_000);

afterAll(async () => {
  await kit?.stop();
  await h?.cleanup();
});

describe('a crash loop across a restart of Berth', () => {
  it('stays open at the first look of a new monitor, while the container keeps restarting', async () => {
    const { name } = await startLabelled(h, stack, 'crash', ['sh', '-c', 'sleep 3; exit 1'], {
      restartPolicy: { name: 'always' },
    });
    // What the previous process left: the loop's alert, open.
    const key = `crash-loop:${stack}/${name}`;
    h.store.alerts.insert(
      {
        key,
        state: 'open',
        severity: 'critical',
        kind: 'health',
        type: 'crash-loop',
        stack,
        service: 'crash',
        message: `${name} is crash-looping`,
        openedAt: new Date().toISOString(),
        routes: [],
      },
      [],
    );
    const [running] = await h.engine.containers.list({ 'dev.berth.stack': stack });
    expect(running?.state).toBe('running');
    kit = startHealth(h, {
      stacks: async () => [],
      tuning: { syncIntervalMs: 500, sweepIntervalMs: SWEEP_MS, flushIntervalMs: 200 },
    });
    await kit.health.sweep();
    await new Promise((resolve) => setTimeout(resolve, 5 * SWEEP_MS));
    const ended = (e: StreamEvent) => e.type === 'crash-loop-ended' && e.stack === stack;
    expect(kit.events.filter(ended)).toEqual([]);
    expect(kit.health.list(stack).crashLooping).toContain(name);
  }, 60_000);
});
