import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinXBerthRegistry } from '../../../src/app/registry.js';
import { StackFiles } from '../../../src/app/stack-files.js';
import { loadWorkspace } from '../../../src/compose/stack.js';
import { type DeployHarness, SLEEPER, startHarness } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';
import { type HealthKit, startHealth } from './support.js';

// A typo in a stack's files while it runs must not page anyone about what runs: the health monitor
// keeps the last version that loaded, so a one-shot `migrate` that exited 0 by design stays UP
// (an operator saw it DOWN, "exited with code 0, but it should keep running", and a critical
// alert), and the broken files are reported once, as their own alert.

let h: DeployHarness;
let kit: HealthKit;
let stack: string;
let dir: string;

const compose = (xberth: string) => `name: STACK
services:
  migrate:
    image: ${BUSYBOX}
    command: ["true"]
  web:
    image: ${BUSYBOX}
    command: ${SLEEPER}
    depends_on:
      migrate: { condition: service_completed_successfully }
    x-berth:
      ${xberth}
`;

beforeAll(async () => {
  h = await startHarness();
  stack = h.stackName();
  dir = h.writeStack(compose('deploy: { stable_window: 1s }').replace('STACK', stack));
  expect((await h.deploy(await h.load(dir, stack))).outcome).toBe('succeeded');
}, 120_000);

afterAll(async () => {
  await kit?.stop();
  await h?.cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a stack whose files stop loading while it runs', () => {
  it('keeps its one-shot service UP and says once that the files do not load', async () => {
    const files = new StackFiles({
      load: () => loadWorkspace(dir, { env: {}, registry: builtinXBerthRegistry() }),
      events: () => kit.hub,
      openAlertKeys: () => [],
    });
    kit = startHealth(h, {
      stacks: () => files.stacks(),
      tuning: { syncIntervalMs: 300, sweepIntervalMs: 300, flushIntervalMs: 100 },
    });
    files.startReporting();
    await sleep(1_500);
    const migrate = { stack, service: 'migrate', probe: 'container' };
    expect(kit.health.detail(migrate).probe.status).toBe('up');

    writeFileSync(join(dir, 'compose.yaml'), compose('deploy: { stable_windw: 1s }').replace('STACK', stack));
    await sleep(2_000);
    await kit.health.sync();
    expect(kit.health.detail(migrate).probe.status).toBe('up');
    expect(kit.health.detail(migrate).probe.last?.detail).toContain('completed (exit code 0)');
    const mine = kit.events.filter((e) => e.stack === stack);
    expect(mine.filter((e) => e.type === 'probe-down')).toEqual([]);
    expect(mine.filter((e) => e.type === 'files-invalid')).toHaveLength(1);
    expect(mine.find((e) => e.type === 'files-invalid')?.message).toContain(
      `${join(dir, 'compose.yaml')}:12:`,
    );
  }, 60_000);
});
