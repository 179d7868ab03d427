import { afterEach, describe, expect, it } from 'vitest';
import { writeTree } from '../../test/support/tree.js';
import { builtinXBerthRegistry } from '../app/registry.js';
import { loadWorkspace } from '../compose/stack.js';
import { EngineError } from '../engine/model.js';
import { EventHub } from '../events/hub.js';
import { openMemoryStore, type Store } from '../store/index.js';
import { JobService } from './service.js';

// Overlap and budget decisions of JobService, without an engine: every attempt waits on a gate,
// then finds the engine down (so it is recorded failed), which is enough to see what ran when.

const compose = (overlap: string) => `services:
  app:
    image: busybox:1.36
    x-berth:
      jobs:
        j:
          schedule: "@every 1h"
          overlap: ${overlap}
          command: [work]
`;

let store: Store;
afterEach(() => store?.close());

async function setup(overlap: string) {
  const dir = await writeTree({ 'compose.yaml': compose(overlap) });
  const load = await loadWorkspace(dir, { env: {}, registry: builtinXBerthRegistry() });
  store = openMemoryStore({ now: () => new Date() });
  const gates: Array<() => void> = [];
  let attempts = 0;
  const jobs = new JobService({
    engine: async () => {
      attempts++;
      await new Promise<void>((resolve) => gates.push(resolve));
      throw new EngineError('ENGINE_UNAVAILABLE', 'engine down', { hint: 'start it' });
    },
    store: () => store,
    clock: { now: () => new Date(), sleep: async () => {} },
    events: () => new EventHub(store.events),
    stacks: async () => load.stacks,
  });
  const [entry] = await jobs.jobs();
  if (!entry) throw new Error('no job');
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  return { jobs, entry, gates, attempts: () => attempts, settle };
}

describe('JobService overlap', () => {
  it('skip: a run while one runs is recorded skipped, and does not start', async () => {
    const { jobs, entry, gates, attempts, settle } = await setup('skip');
    const first = jobs.run(entry, { trigger: 'schedule' });
    await settle();
    expect(jobs.isRunning(entry.key)).toBe(true);
    expect(await jobs.run(entry, { trigger: 'schedule' })).toMatchObject({ status: 'skipped' });
    expect(() => jobs.checkManual(entry)).toThrow(/is running, and its overlap is skip/);
    gates.shift()?.();
    expect(await first).toMatchObject({ status: 'failed', reason: 'engine down' });
    expect(attempts()).toBe(1);
    expect(jobs.isRunning(entry.key)).toBe(false);
  });

  it('queue: one run waits for the running one, a third is skipped', async () => {
    const { jobs, entry, gates, attempts, settle } = await setup('queue');
    const first = jobs.run(entry, { trigger: 'schedule' });
    await settle();
    const second = jobs.run(entry, { trigger: 'schedule' });
    await settle();
    expect(attempts()).toBe(1);
    expect(await jobs.run(entry, { trigger: 'schedule' })).toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/already waiting/),
    });
    gates.shift()?.();
    await first;
    await settle();
    expect(attempts()).toBe(2);
    gates.shift()?.();
    expect(await second).toMatchObject({ status: 'failed' });
  });

  it('allow: runs start side by side', async () => {
    const { jobs, entry, gates, attempts, settle } = await setup('allow');
    const runs = [jobs.run(entry, { trigger: 'schedule' }), jobs.run(entry, { trigger: 'manual' })];
    await settle();
    expect(attempts()).toBe(2);
    for (const release of gates.splice(0)) release();
    expect((await Promise.all(runs)).map((r) => r.trigger).sort()).toEqual(['manual', 'schedule']);
  });
});
