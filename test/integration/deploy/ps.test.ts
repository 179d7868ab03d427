import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listContainers } from '../../../src/deploy/containers.js';
import { containerLabels, type Engine, oneOffLabels } from '../../../src/engine/model.js';
import { startRun, type TestRun, waitFor } from '../engine/support.js';

// `berth ps` against the real engine: the list call is filtered by Berth's labels, and a container
// is inspected only when its stack is kept (the API keeps the stacks its caller may see).

let run: TestRun;
let stacks: { a: string; b: string };
const now = new Date('2030-01-01T00:00:00Z');

/** The real engine, counting the inspects listContainers makes. */
function counting(engine: Engine) {
  const inspected: string[] = [];
  const counted: Engine = {
    ...engine,
    containers: {
      ...engine.containers,
      inspect: (id) => {
        inspected.push(id);
        return engine.containers.inspect(id);
      },
    },
  };
  return { engine: counted, clock: { now: () => now }, inspected };
}

beforeAll(async () => {
  run = await startRun();
  stacks = { a: `bt-ps-${run.id}-a`, b: `bt-ps-${run.id}-b` };
  const start = async (part: string, labels: Record<string, string>, command = ['sleep', '300']) => {
    const { id } = await run.engine.containers.create(
      run.spec(part, { labels: { ...run.labels(), ...labels }, command }),
    );
    await run.engine.containers.start(id);
    return id;
  };
  const current = (stack: string, service: string, replica = 1) =>
    containerLabels({ stack, service, replica, configHash: 'h', role: 'current' });
  await start('a-web-1', current(stacks.a, 'web'));
  await start('a-web-2', current(stacks.a, 'web', 2));
  const once = await start('a-once-1', current(stacks.a, 'once'), ['true']);
  // Exited before the tests list it, so two listings see the same state.
  await waitFor('the one-shot container to exit', async () =>
    (await run.engine.containers.inspect(once)).state === 'exited' ? true : undefined,
  );
  await start('a-job', oneOffLabels({ stack: stacks.a, service: 'web', task: 'job:x' }));
  await start('b-web-1', current(stacks.b, 'web'));
  // Not Berth's: compose's labels alone do not make a container Berth's.
  await start('foreign', { 'com.docker.compose.project': stacks.a });
});

afterAll(async () => {
  await run?.cleanup();
});

describe('listContainers on the real engine', () => {
  it('inspects only the stack asked for, leaving out one-offs and containers that are not Berth’s', async () => {
    const deps = counting(run.engine);
    const rows = await listContainers(deps, stacks.a);
    expect(rows.map((r) => [r.service, r.replica, r.name])).toEqual([
      ['once', 1, run.name('a-once-1')],
      ['web', 1, run.name('a-web-1')],
      ['web', 2, run.name('a-web-2')],
    ]);
    expect(deps.inspected).toHaveLength(3);
  });

  it('with keep, inspects only the kept stacks’ containers and answers the rows it would have kept', async () => {
    const all = counting(run.engine);
    const ours = (await listContainers(all, undefined)).filter(
      (r) => r.stack === stacks.a || r.stack === stacks.b,
    );
    const asked: string[] = [];
    const some = counting(run.engine);
    const kept = await listContainers(some, undefined, {
      keep: async (stack) => {
        asked.push(stack);
        return stack === stacks.a;
      },
    });
    expect(kept).toEqual(ours.filter((r) => r.stack === stacks.a));
    expect(kept.map((r) => r.status).sort()).toEqual([
      expect.stringMatching(/^exited \(0\) \d+d ago$/),
      'running',
      'running',
    ]);
    // Asked once per stack; the other stacks' containers were never inspected.
    expect(new Set(asked).size).toBe(asked.length);
    expect(asked).toEqual(expect.arrayContaining([stacks.a, stacks.b]));
    expect(some.inspected).toHaveLength(3);
    expect(all.inspected.length).toBeGreaterThanOrEqual(4);
  });
});
