import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ManualClock, manualClock } from '../../../src/clock.js';
import type { LoadedStack } from '../../../src/compose/stack.js';
import { EventHub } from '../../../src/events/hub.js';
import { Scheduler } from '../../../src/jobs/scheduler.js';
import { JobService } from '../../../src/jobs/service.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { type DeployHarness, isAlive, startHarness } from '../deploy/support.js';
import { BUSYBOX } from '../engine/support.js';

// The scheduler on an injected clock, against the real engine: runs when due, missed runs after a
// downtime (and one catch-up), and a shutdown during a run recorded as interrupted.

const COMPOSE = `services:
  app:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    stop_signal: SIGKILL
    x-berth:
      jobs:
        tick:
          schedule: "*/10 * * * *"
          command: [echo, tick]
        catch:
          schedule: "*/10 * * * *"
          catchup: true
          command: [echo, caught up]
`;

/** The same service with only a long job, for the shutdown: no other job fires while the clock moves. */
const LONG = `services:
  app:
    image: ${BUSYBOX}
    command: ["sleep", "600"]
    stop_signal: SIGKILL
    x-berth:
      jobs:
        long:
          schedule: "@every 1m"
          command: [sleep, "120"]
`;

let h: DeployHarness;
let stack: string;
let loaded: LoadedStack;
let clock: ManualClock;
let store: Store;
let hub: EventHub;

const jobs = (stacks = () => [loaded]) =>
  new JobService({
    engine: async () => h.engine,
    store: () => store,
    clock,
    events: () => hub,
    stacks: async () => stacks(),
    killGraceMs: 200,
  });
const scheduler = (service: JobService) =>
  new Scheduler({
    jobs: service,
    engine: async () => h.engine,
    store: () => store,
    clock,
    events: () => hub,
  });
const runs = (job: string) =>
  store.jobRuns.list({ stack, service: 'app', job }, { limit: 20 }).items.map((r) => ({
    trigger: r.trigger,
    status: r.status,
    scheduledAt: r.scheduledAt,
    ...(r.missed ? { missed: r.missed.count } : {}),
  }));

beforeAll(async () => {
  h = await startHarness();
  stack = h.stackName();
  loaded = await h.load(h.writeStack(COMPOSE), stack);
  const result = await h.deploy(loaded);
  if (result.outcome !== 'succeeded') throw new Error(`deploy of ${stack} ended ${result.outcome}`);
  clock = manualClock(new Date('2026-06-10T10:05:00Z'));
  store = openStore({ path: join(h.stateDir, 'scheduler.db'), clock, isAlive });
  hub = new EventHub(store.events);
}, 120_000);

afterAll(async () => {
  store?.close();
  await h?.cleanup();
});

describe.sequential('the scheduler (injected clock, real engine)', () => {
  it('learns a new job without running it, then runs it when it is due', async () => {
    const service = jobs();
    const s = scheduler(service);
    expect(await s.tick()).toEqual(new Date('2026-06-10T10:10:00Z'));
    expect(runs('tick')).toEqual([]);
    await clock.advance(5 * 60_000);
    await s.tick();
    await service.idle();
    expect(runs('tick')).toEqual([
      { trigger: 'schedule', status: 'succeeded', scheduledAt: '2026-06-10T10:10:00.000Z' },
    ]);
    expect(store.jobState.get({ stack, service: 'app', job: 'tick' })?.nextAt).toEqual(
      new Date('2026-06-10T10:20:00Z'),
    );
  });

  it('records the runs due during a downtime as missed after a restart, and catches up once', async () => {
    // Berth is down for two hours: no tick. Then a new process starts.
    await clock.advance(2 * 3_600_000);
    const service = jobs();
    await scheduler(service).tick();
    await service.idle();
    expect(runs('tick')[0]).toEqual({
      trigger: 'schedule',
      status: 'missed',
      scheduledAt: '2026-06-10T10:20:00.000Z',
      missed: 12,
    });
    expect(runs('catch').slice(0, 2)).toEqual([
      { trigger: 'catchup', status: 'succeeded', scheduledAt: '2026-06-10T12:10:00.000Z' },
      { trigger: 'schedule', status: 'missed', scheduledAt: '2026-06-10T10:20:00.000Z', missed: 12 },
    ]);
    const events = hub.backlog(0, 1000).filter((e) => e.kind === 'job' && e.type === 'missed');
    expect(events.map((e) => e.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/tick: 12 runs due while Berth was not running/)]),
    );
  });

  it('records a run cut short by a shutdown as interrupted, and ends its process', async () => {
    const long = await h.load(h.writeStack(LONG), stack);
    const service = jobs(() => [long]);
    const s = scheduler(service);
    s.start();
    // The loop sleeps on the clock until the job is due, a minute from now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await clock.advance(61_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(runs('long')[0]).toMatchObject({ status: 'running' });
    await s.drain(0);
    expect(runs('long')[0]).toMatchObject({ trigger: 'schedule', status: 'interrupted' });
    const [app] = await h.engine.containers.list({ 'dev.berth.stack': stack, 'dev.berth.service': 'app' });
    const ps = await h.engine.exec.run(app?.id ?? '', [
      'sh',
      '-c',
      'cat /proc/[0-9]*/cmdline | tr "\\0" " "',
    ]);
    expect(ps.stdout).not.toContain('sleep 120');
  });

  it('ends the process group a stopped Berth left running, and records the run as interrupted', async () => {
    const long = await h.load(h.writeStack(LONG), stack);
    const crashed = jobs(() => [long]);
    const entry = await crashed.find({ stack, service: 'app', job: 'long' });
    // The "crashed" process's run keeps going; its record says where it runs.
    const orphan = crashed.run(entry, { trigger: 'manual' });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const [placed] = store.jobRuns.placesOfRunning();
    expect(placed?.pid).toBeGreaterThan(0);
    const s = scheduler(jobs(() => [long]));
    s.start();
    await s.drain(0);
    expect(store.jobRuns.get(placed?.id ?? 0)).toMatchObject({ status: 'interrupted' });
    const [app] = await h.engine.containers.list({ 'dev.berth.stack': stack, 'dev.berth.service': 'app' });
    const ps = await h.engine.exec.run(app?.id ?? '', [
      'sh',
      '-c',
      'cat /proc/[0-9]*/cmdline | tr "\\0" " "',
    ]);
    expect(ps.stdout).not.toContain('sleep 120');
    // The old process's own record of the end finds the run already ended, and keeps that.
    expect(await orphan).toMatchObject({ status: 'interrupted' });
  });

  it('records runs a killed process left running as interrupted when it starts again', async () => {
    const left = store.jobRuns.start({ stack, service: 'app', job: 'tick', trigger: 'schedule', attempt: 1 });
    const s = scheduler(jobs());
    s.start();
    await s.drain(0);
    expect(store.jobRuns.get(left.id)).toMatchObject({ status: 'interrupted' });
  });
});
