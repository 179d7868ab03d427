import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ManualClock, manualClock } from '../../../src/clock.js';
import type { LoadedStack } from '../../../src/compose/stack.js';
import { EventHub } from '../../../src/events/hub.js';
import { Scheduler } from '../../../src/jobs/scheduler.js';
import { JobService } from '../../../src/jobs/service.js';
import { type LockOwner, openStore, type Store } from '../../../src/store/index.js';
import { type DeployHarness, isAlive, startHarness } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';

// A scheduled job fires while a deploy holds its stack's lock (the force1 demo: an exec into the
// container being replaced failed with 255). It waits on the injected clock, the real deploy
// replaces the container, and the run goes after the release: into the new container.

const compose = (mark: string) => `services:
  app:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    stop_signal: SIGKILL
    environment:
      MARK: ${mark}
    x-berth:
      jobs:
        campaigns-update:
          schedule: "5,20,35,50 * * * *"
          command: [sh, -c, 'echo "$$MARK $$(hostname)"']
`;

let h: DeployHarness;
let stack: string;
let before: LoadedStack;
let after: LoadedStack;
let clock: ManualClock;
let store: Store;

beforeAll(async () => {
  h = await startHarness();
  stack = h.stackName();
  before = await h.load(h.writeStack(compose('one')), stack);
  after = await h.load(h.writeStack(compose('two')), stack);
  const result = await h.deploy(before);
  if (result.outcome !== 'succeeded') throw new Error(`deploy of ${stack} ended ${result.outcome}`);
  clock = manualClock(new Date('2026-06-10T10:45:00Z'));
  // The deploys' state file: the job sees their lock.
  store = openStore({ path: h.statePath, clock, isAlive });
}, 120_000);

afterAll(async () => {
  store?.close();
  await h?.cleanup();
});

const appId = async () => {
  const [app] = await h.engine.containers.list({ 'dev.berth.stack': stack, 'dev.berth.service': 'app' });
  return app?.id ?? '';
};

describe('a scheduled job during a deploy of its stack (injected clock, real engine)', () => {
  it('waits for the deploy, then runs in the new container, and says it waited', async () => {
    const hub = new EventHub(store.events);
    const jobs = new JobService({
      engine: async () => h.engine,
      store: () => store,
      clock,
      events: () => hub,
      stacks: async () => [after],
      killGraceMs: 200,
    });
    const scheduler = new Scheduler({
      jobs,
      engine: async () => h.engine,
      store: () => store,
      clock,
      events: () => hub,
    });
    const key = { stack, service: 'app', job: 'campaigns-update' };
    const history = () => store.jobRuns.list(key, { limit: 10 }).items;

    expect(await scheduler.tick()).toEqual(new Date('2026-06-10T10:50:00Z'));
    // The deploy takes the lock first (its owner is the one `berth up` will run with).
    const owner: LockOwner = h.owner();
    expect(store.locks.acquire(stack, { owner }).ok).toBe(true);
    const oldId = await appId();

    await clock.advance(5 * 60_000);
    await scheduler.tick();
    await clock.advance(3_000);
    expect(history()).toEqual([]);
    expect(jobs.isRunning(key)).toBe(true);

    const deployed = await h.deploy(after, { owner });
    expect(deployed.outcome).toBe('succeeded');
    expect(store.locks.liveHolder(stack)).toBeUndefined();
    const newId = await appId();
    expect(newId).not.toBe(oldId);

    await clock.advance(1_000);
    await jobs.idle();
    const [run] = history();
    expect(run).toMatchObject({
      trigger: 'schedule',
      status: 'succeeded',
      scheduledAt: '2026-06-10T10:50:00.000Z',
      reason: `waited 4s while ${stack} was busy (a deploy, restart, down or restore)`,
    });
    expect(run?.output?.trim()).toBe(`two ${newId.slice(0, 12)}`);
    expect(
      hub
        .backlog(0, 100)
        .filter((e) => e.kind === 'job')
        .map((e) => e.type),
    ).toEqual(['started', 'finished']);
  }, 120_000);
});
