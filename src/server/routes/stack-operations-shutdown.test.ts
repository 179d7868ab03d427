import { afterEach, describe, expect, it } from 'vitest';
import { controlFixture } from '../../../test/support/control.js';

let f: ReturnType<typeof controlFixture>;
const logged: Array<{ level: string; msg: string | undefined }> = [];
const logger = {
  error: (_obj: object, msg?: string) => logged.push({ level: 'error', msg }),
  warn: (_obj: object, msg?: string) => logged.push({ level: 'warn', msg }),
};
afterEach(() => {
  f.close();
  logged.length = 0;
});

function hold(): { release: () => void; reject: (e: Error) => void } {
  const out = { release: () => {}, reject: (_e: Error) => {} };
  f.stacks.gate = new Promise<void>((resolve, reject) => {
    out.release = resolve;
    out.reject = reject;
  });
  return out;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
const eventsOf = (operation: string) => f.control.hub.backlog(0, 100, operation);
const deploysTotal = async () =>
  (await f.call('GET', '/metrics', 'admin')).text
    .split('\n')
    .filter((l) => l.startsWith('berth_deploys_total{'))
    .sort();
const INTERRUPTED = {
  code: 'OPERATION_INTERRUPTED',
  message: 'berth serve stopped before the operation finished',
  hint: 'run it again: `berth up alpha` converges from whatever state the stack was left in',
};

describe('OperationRunner.shutdown', () => {
  it('records an operation still held after the grace as interrupted, and refuses new ones', async () => {
    f = controlFixture({ logger });
    const gate = hold();
    expect((await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {})).status).toBe(202);
    const deployment = f.store.deployments.create({ stack: 'alpha', trigger: 'api', plan: {} });

    const interrupted = await f.control.runner.shutdown(10, 10);
    expect(interrupted).toEqual([
      expect.objectContaining({ id: 'op-1', status: 'interrupted', error: INTERRUPTED }),
    ]);
    expect(f.control.runner.running()).toEqual([]);
    const got = await f.call('GET', '/api/v1/stacks/alpha/operations/op-1', 'viewer');
    expect(got.json).toMatchObject({ status: 'interrupted', error: INTERRUPTED });
    expect(got.json.finishedAt).toEqual(expect.any(String));
    expect(f.store.deployments.get(deployment.id)?.status).toBe('interrupted');
    expect(eventsOf('op-1').map((e) => `${e.kind}/${e.type}`)).toEqual([
      'operation/started',
      'deploy/plan',
      'operation/finished',
    ]);
    expect(eventsOf('op-1').at(-1)).toMatchObject({
      stack: 'alpha',
      message: 'up of alpha interrupted: berth serve stopped before the operation finished',
      data: { status: 'interrupted', error: INTERRUPTED },
    });

    const refused = await f.call('POST', '/api/v1/stacks/beta/up', 'operator', {});
    expect(refused.status).toBe(503);
    expect(refused.json).toMatchObject({ code: 'SHUTTING_DOWN' });
    expect(refused.headers.get('retry-after')).toBe('5');

    // The abandoned body finishing later changes nothing: no event after `finished`, no second
    // ending, no error in the log; the deploy is counted once, as interrupted.
    gate.release();
    await settle();
    expect(eventsOf('op-1').map((e) => e.type)).toEqual(['started', 'plan', 'finished']);
    expect(f.store.operations.get('op-1')?.status).toBe('interrupted');
    expect(logged).toEqual([{ level: 'warn', msg: 'operation interrupted by shutdown' }]);
    expect(await deploysTotal()).toEqual(['berth_deploys_total{stack="alpha",outcome="interrupted"} 1']);
  });

  it('records an operation that unwinds when aborted as interrupted', async () => {
    f = controlFixture({ logger });
    const gate = hold();
    await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {});
    const signal = f.stacks.signal;
    if (!signal) throw new Error('up got no signal');
    signal.addEventListener('abort', () => gate.reject(new Error('aborted')));

    await f.control.runner.shutdown(10, 5000);
    expect(signal.aborted).toBe(true);
    expect(f.store.operations.get('op-1')).toMatchObject({ status: 'interrupted', error: INTERRUPTED });
    expect(eventsOf('op-1').map((e) => e.type)).toEqual(['started', 'plan', 'finished']);
    expect(await deploysTotal()).toEqual(['berth_deploys_total{stack="alpha",outcome="interrupted"} 1']);
    expect(logged.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('lets an operation that finishes within the grace succeed', async () => {
    f = controlFixture({ logger });
    const gate = hold();
    await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {});
    const stopping = f.control.runner.shutdown(5000);
    await settle();
    expect(f.stacks.signal?.aborted).toBe(false);
    gate.release();
    expect(await stopping).toEqual([]);
    expect(f.store.operations.get('op-1')?.status).toBe('succeeded');
    expect(eventsOf('op-1').at(-1)?.data).toMatchObject({ status: 'succeeded' });
    expect(logged).toEqual([]);
  });

  it('returns at once when nothing runs', async () => {
    f = controlFixture();
    expect(await f.control.runner.shutdown(60_000)).toEqual([]);
    expect((await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {})).status).toBe(503);
  });
});

describe('OperationRunner.recover', () => {
  it('marks operations a previous process left running as interrupted, with their deployments', async () => {
    f = controlFixture();
    f.store.operations.start({ id: 'op-old', stack: 'alpha', kind: 'up', actor: 'bob', requestId: 'r-1' });
    const done = f.store.operations.start({
      id: 'op-done',
      stack: 'beta',
      kind: 'down',
      actor: 'bob',
      requestId: 'r-2',
    });
    f.store.operations.finish(done.id, { status: 'succeeded', result: {} });
    const deployment = f.store.deployments.create({ stack: 'alpha', trigger: 'api', plan: {} });

    const recovered = f.control.runner.recover();
    expect(recovered.map((o) => [o.id, o.status])).toEqual([['op-old', 'interrupted']]);
    const got = await f.call('GET', '/api/v1/stacks/alpha/operations/op-old', 'viewer');
    expect(got.json).toMatchObject({ id: 'op-old', actor: 'bob', status: 'interrupted', error: INTERRUPTED });
    expect(f.store.operations.get('op-done')?.status).toBe('succeeded');
    expect(f.store.deployments.get(deployment.id)?.status).toBe('interrupted');
    expect(eventsOf('op-old')).toEqual([
      expect.objectContaining({
        kind: 'operation',
        type: 'finished',
        data: { status: 'interrupted', error: INTERRUPTED },
      }),
    ]);
    // Recovering does not stop the runner: the stack takes a new operation.
    expect((await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {})).status).toBe(202);
    await f.control.runner.idle();
    expect(f.control.runner.recover()).toEqual([]);
  });
});
