import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listContainers, stackLogs } from '../../../src/deploy/containers.js';
import { planDeploy } from '../../../src/deploy/deploy.js';
import { downResult, downStack, planDown } from '../../../src/deploy/down.js';
import { isEmpty } from '../../../src/deploy/plan.js';
import { oneOffLabels, SPEC_DEFAULTS } from '../../../src/engine/model.js';
import { containerEvent, isOneOffContainerEvent } from '../../../src/events/container-watcher.js';
import { BUSYBOX, collect } from '../engine/support.js';
import { type DeployHarness, recordEvents, startHarness } from './support.js';

// One-off containers (a job's, a restore drill's) carry Berth's labels for their stack, but are no
// part of a service's state: planning leaves them alone, and ps, logs and events leave them out
// unless asked. `down` removes them with the stack, and `down --dry-run` lists what `down` removes.

const COMPOSE = `services:
  app:
    image: ${BUSYBOX}
    command: ["sh", "-c", "echo app-line; exec sleep 600"]
    stop_signal: SIGKILL
`;

let h: DeployHarness;
let stack: string;
let oneOffName: string;
let recording: ReturnType<typeof recordEvents>;

beforeAll(async () => {
  h = await startHarness();
  stack = h.stackName();
  recording = recordEvents(h.engine, stack);
  const dir = h.writeStack(COMPOSE);
  const result = await h.deploy(await h.load(dir, stack));
  if (result.outcome !== 'succeeded') throw new Error(`deploy of ${stack} ended ${result.outcome}`);
  oneOffName = `${stack}-app-run-1`;
  const { id } = await h.engine.containers.create({
    ...SPEC_DEFAULTS,
    name: oneOffName,
    image: BUSYBOX,
    command: ['sh', '-c', 'echo oneoff-line; exec sleep 600'],
    stopSignal: 'SIGKILL',
    env: {},
    labels: oneOffLabels({ stack, service: 'app', task: 'job:test' }),
    networks: [],
  });
  await h.engine.containers.start(id);
}, 120_000);

afterAll(async () => {
  await h?.cleanup();
});

describe.sequential('one-off containers of a deployed stack (real engine)', () => {
  it('are left alone by the planner: nothing to change, nothing to remove', async () => {
    const { plan } = await planDeploy(h, await h.load(h.writeStack(COMPOSE), stack));
    expect(plan.removals).toEqual([]);
    expect(isEmpty(plan)).toBe(true);
  });

  it('are left out of ps unless asked for', async () => {
    const names = async (oneOff: boolean) =>
      (await listContainers(h, stack, { oneOff })).map((r) => r.name).sort();
    expect(await names(false)).toEqual([`${stack}-app-1`]);
    expect(await names(true)).toEqual([`${stack}-app-1`, oneOffName]);
  });

  it('are left out of the logs unless asked for', async () => {
    const lines = async (oneOff: boolean) =>
      (await collect(stackLogs(h.engine, stack, { oneOff }))).map((l) => `${l.container}: ${l.line}`);
    expect(await lines(false)).toEqual([`${stack}-app-1: app-line`]);
    expect((await lines(true)).sort()).toEqual([`${stack}-app-1: app-line`, `${oneOffName}: oneoff-line`]);
  });

  it('have their engine events marked, so the event stream leaves them out unless asked for', async () => {
    recording.stop();
    const events = (await recording.events).map(containerEvent).filter((e) => e !== undefined);
    const started = (name: string) =>
      events.find((e) => e.type === 'start' && e.message === `${name} started`);
    const oneOff = started(oneOffName);
    const service = started(`${stack}-app-1`);
    expect(oneOff?.data).toMatchObject({ oneOff: true });
    expect(service?.data).not.toHaveProperty('oneOff');
    expect(isOneOffContainerEvent({ kind: 'container', data: oneOff?.data })).toBe(true);
    expect(isOneOffContainerEvent({ kind: 'container', data: service?.data })).toBe(false);
  });

  it('down --dry-run lists exactly what down then removes, one-offs included', async () => {
    const planned = downResult(await planDown(h.engine, stack, { volumes: true }));
    expect(planned.containers.sort()).toEqual([`${stack}-app-1`, oneOffName]);
    expect(planned.networks).toEqual([`${stack}_default`]);
    const removed = await downStack({ engine: h.engine, store: h.store, owner: h.owner() }, stack, {
      volumes: true,
    });
    expect({ ...removed, containers: [...removed.containers].sort() }).toEqual(planned);
    expect(await h.engine.containers.list({ 'dev.berth.stack': stack }, { all: true })).toEqual([]);
  });
});
