import { afterEach, describe, expect, it } from 'vitest';
import { type OperationKind, OperationKindSchema, type OperationRecord } from '../api/operations.js';
import { EventHub } from '../events/hub.js';
import { openMemoryStore, type Store } from '../store/index.js';
import { isOperationError, OperationError } from './errors.js';
import { OPERATION_POLICIES, type OperationPolicy } from './kinds.js';
import { OperationRunner } from './runner.js';

let store: Store;
afterEach(() => store?.close());

function runner(policies?: Readonly<Record<OperationKind, OperationPolicy>>) {
  store = openMemoryStore({ now: () => new Date() });
  const events = new EventHub(store.events);
  let n = 0;
  const r = new OperationRunner({
    operations: store.operations,
    events,
    clock: { now: () => new Date() },
    newId: () => `op-${++n}`,
    markInterrupted: () => {},
    ...(policies ? { policies } : {}),
  });
  return { r, events };
}

/** A body held until `release`. */
function held() {
  let release = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { gate, release: () => release() };
}

const request = (kind: OperationKind, stack: string, gate: Promise<void>) => ({
  kind,
  stack,
  actor: 'alice',
  requestId: 'req-1',
  run: async () => {
    await gate;
    return kind === 'restart' ? { restarted: ['web'] } : { containers: [], networks: [], volumes: [] };
  },
});

describe('OperationRunner', () => {
  it('declares every kind of the contract: up, down, restart and restore hold the stack, a job run, backup or drill does not', () => {
    expect(Object.keys(OPERATION_POLICIES).sort()).toEqual([...OperationKindSchema.options].sort());
    expect(
      Object.entries(OPERATION_POLICIES).map(([kind, p]) => `${kind}:${p.exclusive}:${p.events}`),
    ).toEqual([
      'up:true:deploy',
      'down:true:deploy',
      'restart:true:deploy',
      'job:false:job',
      'backup:false:backup',
      'drill:false:backup',
      'restore:true:backup',
    ]);
  });

  it('refuses a second exclusive operation on the stack with a domain error naming the first', async () => {
    const { r } = runner();
    const first = held();
    const op = r.start(request('down', 'alpha', first.gate));
    let refusal: unknown;
    try {
      r.start(request('restart', 'alpha', Promise.resolve()));
    } catch (error: unknown) {
      refusal = error;
    }
    expect(isOperationError(refusal)).toBe(true);
    expect(refusal).toMatchObject({ code: 'OPERATION_IN_PROGRESS' });
    expect((refusal as OperationError).message).toContain(op.id);
    // Another stack is free.
    expect(r.start(request('down', 'beta', Promise.resolve())).stack).toBe('beta');
    first.release();
    await r.idle();
  });

  it('runs a kind that does not hold the stack beside an exclusive one, in both orders', async () => {
    const { r } = runner({ ...OPERATION_POLICIES, restart: { exclusive: false, events: 'deploy' } });
    const down = held();
    const restart = held();
    r.start(request('down', 'alpha', down.gate));
    expect(() => r.start(request('restart', 'alpha', restart.gate))).not.toThrow();
    expect(r.running('alpha').map((o) => o.kind)).toEqual(['down', 'restart']);
    down.release();
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The non-exclusive one is still running: an exclusive one may start beside it.
    expect(() => r.start(request('down', 'alpha', Promise.resolve()))).not.toThrow();
    restart.release();
    await r.idle();
  });

  it('stores the typed result, publishes started and finished, and tells every finished listener once', async () => {
    const { r, events } = runner();
    const seen: Array<[OperationRecord, number]> = [];
    const stop = r.onFinished((op, seconds) => seen.push([op, seconds]));
    r.onFinished(() => {
      throw new Error('a broken listener does not stop the others');
    });
    const op = r.start(request('restart', 'alpha', Promise.resolve()));
    await r.idle();
    expect(store.operations.get(op.id)).toMatchObject({
      status: 'succeeded',
      result: { restarted: ['web'] },
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.[0]).toMatchObject({ id: op.id, status: 'succeeded' });
    expect(seen[0]?.[1]).toBeGreaterThanOrEqual(0);
    expect(events.backlog(0, 10).map((e) => `${e.kind}:${e.type}`)).toEqual([
      'operation:started',
      'operation:finished',
    ]);
    stop();
    r.start(request('restart', 'alpha', Promise.resolve()));
    await r.idle();
    expect(seen).toHaveLength(1);
  });

  it('says in its finished event how an operation ended by its result: a deploy that rolled back', async () => {
    const { r, events } = runner();
    r.start({
      ...request('up', 'alpha', Promise.resolve()),
      run: async () => ({
        stack: 'alpha',
        deploymentId: 3,
        outcome: 'rolled-back',
        changedServices: ['web'],
      }),
    });
    r.start(request('restart', 'beta', Promise.resolve()));
    await r.idle();
    const finished = events.backlog(0, 10).filter((e) => e.kind === 'operation' && e.type === 'finished');
    expect(finished.map((e) => e.message).sort()).toEqual([
      'restart of beta succeeded',
      'up of alpha rolled-back',
    ]);
  });

  it('records a coded failure with its code and hint, and anything else as INTERNAL', async () => {
    const { r } = runner();
    const coded = r.start({
      ...request('up', 'alpha', Promise.resolve()),
      run: async () => {
        throw new OperationError('SHUTTING_DOWN', 'stopping', 'later');
      },
    });
    const plain = r.start({
      ...request('up', 'beta', Promise.resolve()),
      run: async () => {
        throw new TypeError('boom');
      },
    });
    await r.idle();
    expect(store.operations.get(coded.id)?.error).toEqual({
      code: 'SHUTTING_DOWN',
      message: 'stopping',
      hint: 'later',
    });
    expect(store.operations.get(plain.id)?.error).toMatchObject({ code: 'INTERNAL', message: 'boom' });
  });

  it('returns every operation shutdown interrupted: those that unwound when aborted and those left running', async () => {
    const { r } = runner();
    const stuck = held();
    const unwinds = r.start({
      kind: 'up',
      stack: 'alpha',
      actor: 'alice',
      requestId: 'req-1',
      run: ({ signal }) =>
        new Promise<never>((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    });
    const ignores = r.start(request('up', 'beta', stuck.gate));
    const interrupted = await r.shutdown(0, 50);
    expect(interrupted.map((o) => [o.id, o.status])).toEqual([
      [unwinds.id, 'interrupted'],
      [ignores.id, 'interrupted'],
    ]);
    expect(r.running()).toEqual([]);
    stuck.release();
  });

  it('refuses new operations while shutting down, with a retry time', async () => {
    const { r } = runner();
    await r.shutdown(0);
    let refusal: unknown;
    try {
      r.start(request('up', 'alpha', Promise.resolve()));
    } catch (error: unknown) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: 'SHUTTING_DOWN', retryAfterSeconds: 5 });
  });
});
