import { afterEach, describe, expect, it } from 'vitest';
import { writeTree } from '../../test/support/tree.js';
import { builtinXBerthRegistry } from '../app/registry.js';
import { type ManualClock, manualClock } from '../clock.js';
import { loadWorkspace } from '../compose/stack.js';
import { EngineError } from '../engine/model.js';
import { EventHub } from '../events/hub.js';
import { type LockOwner, openMemoryStore, type Store } from '../store/index.js';
import { JobError } from './errors.js';
import { JobService } from './service.js';

// A job whose stack is being deployed (its lock held) waits on the injected clock, then runs, or
// is skipped past its bound; a manual run is refused at once. No engine: an attempt that starts
// finds it down (recorded failed), which is enough to see when a run started.

const compose = (timeout: string, extra: string) => `services:
  web:
    image: busybox:1.36
    x-berth:
      jobs:
        campaigns-update:
          schedule: "5,20,35,50 * * * *"
          timeout: ${timeout}${extra}
          command: [php, bin/console, mautic:campaigns:update]
`;

const deployer: LockOwner = { pid: 4242, host: 'here', token: 'deploy-token' };

let store: Store;
afterEach(() => store?.close());

async function setup(timeout = '1h', extra = '') {
  const dir = await writeTree({ 'compose.yaml': compose(timeout, extra) });
  const load = await loadWorkspace(dir, { env: {}, registry: builtinXBerthRegistry() });
  const clock: ManualClock = manualClock(new Date('2026-06-10T10:50:00Z'));
  const dead = new Set<number>();
  store = openMemoryStore(clock, (owner) => !dead.has(owner.pid));
  const hub = new EventHub(store.events);
  let attempts = 0;
  const jobs = new JobService({
    engine: async () => {
      attempts++;
      throw new EngineError('ENGINE_UNAVAILABLE', 'engine down', { hint: 'start it' });
    },
    store: () => store,
    clock,
    events: () => hub,
    stacks: async () => load.stacks,
  });
  const [entry] = await jobs.jobs();
  if (!entry) throw new Error('no job');
  const stack = entry.key.stack;
  const hold = () => {
    const lock = store.locks.acquire(stack, { owner: deployer });
    if (!lock.ok) throw new Error('lock not taken');
  };
  const release = () => store.locks.release(stack, deployer.token);
  const history = () => store.jobRuns.list(entry.key, { limit: 10 }).items;
  const jobEvents = () => hub.backlog(0, 100).filter((e) => e.kind === 'job');
  return { jobs, entry, stack, clock, hold, release, dead, history, jobEvents, attempts: () => attempts };
}

describe('a scheduled run while its stack is being deployed', () => {
  it('waits for the lock on the clock, then runs, and says in its record that it waited', async () => {
    const { jobs, entry, stack, clock, hold, release, history, attempts } = await setup();
    hold();
    const run = jobs.run(entry, { trigger: 'schedule', scheduledAt: clock.now() });
    await clock.advance(42_000);
    expect(attempts()).toBe(0);
    expect(history()).toEqual([]);
    expect(jobs.isRunning(entry.key)).toBe(true);
    release();
    await clock.advance(1_000);
    expect(attempts()).toBe(1);
    expect(await run).toMatchObject({
      status: 'failed',
      trigger: 'schedule',
      scheduledAt: '2026-06-10T10:50:00.000Z',
      startedAt: '2026-06-10T10:50:43.000Z',
      reason: `engine down; waited 43s while ${stack} was busy (a deploy, restart, down or restore)`,
    });
  });

  it('is recorded skipped, not failed, when the deploy holds the lock past the job’s timeout', async () => {
    const { jobs, entry, stack, clock, hold, history, jobEvents, attempts } = await setup('2m');
    hold();
    const run = jobs.run(entry, { trigger: 'schedule', scheduledAt: clock.now() });
    await clock.advance(119_000);
    expect(attempts()).toBe(0);
    await clock.advance(1_000);
    expect(await run).toMatchObject({
      status: 'skipped',
      reason: `${stack} still busy (a deploy, restart, down or restore) after 2m`,
    });
    expect(attempts()).toBe(0);
    expect(history().map((r) => r.status)).toEqual(['skipped']);
    expect(jobEvents().map((e) => e.type)).toEqual(['skipped']);
  });

  it('waits 30 minutes at most when the job’s timeout is longer', async () => {
    const { jobs, entry, stack, clock, hold } = await setup('2h');
    hold();
    const run = jobs.run(entry, { trigger: 'catchup', scheduledAt: clock.now() });
    await clock.advance(30 * 60_000);
    expect(await run).toMatchObject({
      status: 'skipped',
      trigger: 'catchup',
      reason: `${stack} still busy (a deploy, restart, down or restore) after 30m`,
    });
  });

  it('stops waiting when Berth shuts down, and records the run skipped', async () => {
    const { jobs, entry, stack, clock, hold, attempts } = await setup();
    hold();
    const shutdown = new AbortController();
    const run = jobs.run(entry, { trigger: 'schedule', signal: shutdown.signal });
    await clock.advance(5_000);
    shutdown.abort(new Error('berth serve is shutting down'));
    expect(await run).toMatchObject({
      status: 'skipped',
      reason: `Berth is stopping (the run waited 5s while ${stack} was busy)`,
    });
    expect(attempts()).toBe(0);
  });

  it('makes a retry wait too, when a deploy began after the failed attempt', async () => {
    const { jobs, entry, stack, clock, hold, release, history, attempts } = await setup(
      '1h',
      '\n          retries: { count: 1, backoff: 10s }',
    );
    const run = jobs.run(entry, { trigger: 'schedule' });
    await clock.advance(0);
    expect(attempts()).toBe(1);
    hold();
    await clock.advance(20_000);
    expect(attempts()).toBe(1);
    release();
    await clock.advance(1_000);
    expect(await run).toMatchObject({
      attempt: 2,
      status: 'failed',
      reason: `engine down; waited 11s while ${stack} was busy (a deploy, restart, down or restore)`,
    });
    expect(history().map((r) => [r.attempt, r.reason])).toEqual([
      [2, `engine down; waited 11s while ${stack} was busy (a deploy, restart, down or restore)`],
      [1, 'engine down'],
    ]);
  });

  it('does not wait for a lock whose owner is dead', async () => {
    const { jobs, entry, hold, dead, attempts } = await setup();
    hold();
    dead.add(deployer.pid);
    expect(await jobs.run(entry, { trigger: 'schedule' })).toMatchObject({
      status: 'failed',
      reason: 'engine down',
    });
    expect(attempts()).toBe(1);
  });
});

describe('a manual run while its stack is being deployed', () => {
  it('is refused at once with JOB_STACK_BUSY, and allowed once the lock is free', async () => {
    const { jobs, entry, stack, hold, release } = await setup();
    hold();
    let refused: unknown;
    try {
      jobs.checkManual(entry);
    } catch (error: unknown) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(JobError);
    expect(refused).toMatchObject({
      code: 'JOB_STACK_BUSY',
      message: `${stack}/web/campaigns-update cannot run now: ${stack} is busy with a deploy, restart, down or restore`,
    });
    release();
    expect(() => jobs.checkManual(entry)).not.toThrow();
  });
});
