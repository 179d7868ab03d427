import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorCodeOf, type FakeClock, fakeClock, makeTempDir } from '../../test/support/store.js';
import { openStore, type Store } from './db.js';

let temp: ReturnType<typeof makeTempDir>;
let clock: FakeClock;
let path: string;
let store: Store;
const extra: Store[] = [];

function openAnother(): Store {
  const s = openStore({ path, clock, isAlive: () => true });
  extra.push(s);
  return s;
}

beforeEach(() => {
  temp = makeTempDir();
  clock = fakeClock('2025-06-01T12:00:00.000Z');
  path = join(temp.dir, 'state.db');
  store = openStore({ path, clock, isAlive: () => true });
});

afterEach(() => {
  store.close();
  for (const s of extra.splice(0)) s.close();
  temp.cleanup();
});

const start = (stack = 'web') =>
  store.deployments.create({ stack, trigger: 'cli', plan: { services: [stack] } });

describe('deployments.create / get', () => {
  it('creates running deployments with increasing ids and the clock time', () => {
    const a = store.deployments.create({
      stack: 'web',
      trigger: 'api',
      plan: { a: [1, 'x', null] },
      actor: 'ana',
    });
    clock.advance(1000);
    const b = store.deployments.create({ stack: 'db', trigger: 'schedule', plan: 'just a string' });
    expect(a).toEqual({
      id: 1,
      stack: 'web',
      trigger: 'api',
      actor: 'ana',
      plan: { a: [1, 'x', null] },
      status: 'running',
      summary: undefined,
      startedAt: '2025-06-01T12:00:00.000Z',
      finishedAt: undefined,
    });
    expect(b.id).toBe(2);
    expect(b.startedAt).toBe('2025-06-01T12:00:01.000Z');
    expect(b.actor).toBeUndefined();
    expect(store.deployments.get(1)).toEqual(a);
    expect(store.deployments.get(99)).toBeUndefined();
  });

  it('stores the plan as JSON would write it', () => {
    const d = store.deployments.create({
      stack: 'web',
      trigger: 'cli',
      plan: { keep: 1, drop: undefined, when: new Date('2025-01-02T03:04:05.000Z') },
    });
    expect(store.deployments.get(d.id)?.plan).toEqual({ keep: 1, when: '2025-01-02T03:04:05.000Z' });
  });

  it('refuses input that cannot be stored', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const create = (input: unknown) => () =>
      store.deployments.create(input as Parameters<Store['deployments']['create']>[0]);
    expect(errorCodeOf(create({ stack: 'web', trigger: 'cli', plan: cyclic }))).toBe('STORE_INVALID_INPUT');
    expect(errorCodeOf(create({ stack: 'web', trigger: 'cli', plan: undefined }))).toBe(
      'STORE_INVALID_INPUT',
    );
    expect(errorCodeOf(create({ stack: 'web', trigger: 'cron', plan: {} }))).toBe('STORE_INVALID_INPUT');
    expect(errorCodeOf(create({ stack: '', trigger: 'cli', plan: {} }))).toBe('STORE_INVALID_INPUT');
    expect(store.deployments.list(undefined, { limit: 10 }).items).toEqual([]);
  });

  it('fails loudly on a damaged JSON column', () => {
    const d = start();
    const raw = new Database(path);
    raw.prepare('UPDATE deployments SET plan_json = ? WHERE id = ?').run('{not json', d.id);
    raw.close();
    expect(errorCodeOf(() => store.deployments.get(d.id))).toBe('STORE_IO');
  });
});

describe('deployment events', () => {
  it('reads back only the recovery steps: marked ones, and older ones by their message', () => {
    const d = start('web');
    store.deployments.appendEvent(d.id, { type: 'plan', message: 'planned' });
    store.deployments.appendEvent(d.id, {
      type: 'output',
      message: 'a line that says recovered from, not at its start',
    });
    store.deployments.appendEvent(d.id, {
      type: 'rollback',
      service: 'web',
      message: 'recovered from interrupted deployment 1: restored the last good web-1',
      data: { recovery: true },
    });
    store.deployments.appendEvent(d.id, {
      type: 'cleanup',
      message: 'recovered from interrupted deployment 1: removed x',
    });
    store.deployments.appendEvent(d.id, { type: 'cleanup', message: 'removed y', data: { recovery: true } });
    store.deployments.appendEvent(d.id, { type: 'cleanup', message: 'removed z', data: { recovery: false } });
    store.deployments.appendEvent(start('db').id, {
      type: 'cleanup',
      message: 'recovered from interrupted deployment 2: removed db-1',
      data: { recovery: true },
    });
    expect(store.deployments.recoveryEvents(d.id).map((e) => [e.seq, e.service, e.message])).toEqual([
      [3, 'web', 'recovered from interrupted deployment 1: restored the last good web-1'],
      [4, undefined, 'recovered from interrupted deployment 1: removed x'],
      [5, undefined, 'removed y'],
    ]);
  });

  it('numbers events per deployment in the order they were appended', () => {
    const a = start('web');
    const b = start('db');
    store.deployments.appendEvent(a.id, { type: 'plan', message: 'planned' });
    clock.advance(10);
    store.deployments.appendEvent(b.id, { type: 'plan', message: 'planned b' });
    clock.advance(10);
    const second = store.deployments.appendEvent(a.id, {
      type: 'service.started',
      service: 'api',
      message: 'api started',
      data: { image: 'api:2', ports: [80] },
    });
    clock.advance(10);
    store.deployments.appendEvent(a.id, { type: 'done', message: 'finished' });

    expect(second).toEqual({
      deploymentId: a.id,
      seq: 2,
      at: '2025-06-01T12:00:00.020Z',
      type: 'service.started',
      service: 'api',
      message: 'api started',
      data: { image: 'api:2', ports: [80] },
    });
    const events = store.deployments.events(a.id);
    expect(events.map((e) => [e.seq, e.type, e.at])).toEqual([
      [1, 'plan', '2025-06-01T12:00:00.000Z'],
      [2, 'service.started', '2025-06-01T12:00:00.020Z'],
      [3, 'done', '2025-06-01T12:00:00.030Z'],
    ]);
    expect(events[0]?.data).toBeUndefined();
    expect(store.deployments.events(b.id).map((e) => e.seq)).toEqual([1]);
  });

  it('keeps sequence numbers unique when two connections append to the same deployment', () => {
    const d = start();
    const other = openAnother();
    for (let i = 0; i < 4; i++) {
      const writer = i % 2 === 0 ? store : other;
      writer.deployments.appendEvent(d.id, { type: 'step', message: `step ${i}` });
    }
    expect(store.deployments.events(d.id).map((e) => [e.seq, e.message])).toEqual([
      [1, 'step 0'],
      [2, 'step 1'],
      [3, 'step 2'],
      [4, 'step 3'],
    ]);
  });

  it('refuses events for an unknown deployment', () => {
    expect(errorCodeOf(() => store.deployments.appendEvent(7, { type: 'x', message: 'y' }))).toBe(
      'STORE_NOT_FOUND',
    );
    expect(errorCodeOf(() => store.deployments.events(7))).toBe('STORE_NOT_FOUND');
  });
});

describe('service results', () => {
  it('records one result per service, replacing an earlier one', () => {
    const d = start();
    store.deployments.setServiceResult(d.id, 'worker', { outcome: 'failed', exitCode: 1, logTail: ['boom'] });
    store.deployments.setServiceResult(d.id, 'api', { outcome: 'unchanged' });
    clock.advance(500);
    const replaced = store.deployments.setServiceResult(d.id, 'worker', {
      outcome: 'rolled-back',
      reason: 'health check failed',
      exitCode: 137,
      logTail: ['line 1', 'line 2'],
      healthOutput: 'curl: (7) connection refused',
    });
    expect(replaced).toEqual({
      deploymentId: d.id,
      service: 'worker',
      outcome: 'rolled-back',
      reason: 'health check failed',
      exitCode: 137,
      logTail: ['line 1', 'line 2'],
      healthOutput: 'curl: (7) connection refused',
      recordedAt: '2025-06-01T12:00:00.500Z',
    });
    const results = store.deployments.serviceResults(d.id);
    expect(results.map((r) => [r.service, r.outcome])).toEqual([
      ['api', 'unchanged'],
      ['worker', 'rolled-back'],
    ]);
    expect(results[0]).toMatchObject({ reason: undefined, exitCode: undefined, logTail: undefined });
    expect(store.deployments.serviceResults(start('db').id)).toEqual([]);
  });

  it('refuses unknown deployments and unknown outcomes', () => {
    expect(errorCodeOf(() => store.deployments.setServiceResult(3, 'api', { outcome: 'succeeded' }))).toBe(
      'STORE_NOT_FOUND',
    );
    const d = start();
    const bad = { outcome: 'exploded' } as unknown as { outcome: 'failed' };
    expect(errorCodeOf(() => store.deployments.setServiceResult(d.id, 'api', bad))).toBe(
      'STORE_INVALID_INPUT',
    );
    expect(errorCodeOf(() => store.deployments.serviceResults(3))).toBe('STORE_NOT_FOUND');
  });
});

describe('deployments.finish / running', () => {
  it('finishes a running deployment exactly once', () => {
    const d = start();
    expect(store.deployments.running('web')?.id).toBe(d.id);
    clock.advance(60_000);
    const done = store.deployments.finish(d.id, 'succeeded', '3 services updated');
    expect(done).toMatchObject({
      status: 'succeeded',
      summary: '3 services updated',
      finishedAt: '2025-06-01T12:01:00.000Z',
    });
    expect(store.deployments.running('web')).toBeUndefined();

    expect(errorCodeOf(() => store.deployments.finish(d.id, 'failed'))).toBe('STORE_INVALID_STATE');
    expect(store.deployments.get(d.id)).toEqual(done);
    expect(errorCodeOf(() => store.deployments.finish(404, 'failed'))).toBe('STORE_NOT_FOUND');
    const other = start();
    const running = 'running' as unknown as 'failed';
    expect(errorCodeOf(() => store.deployments.finish(other.id, running))).toBe('STORE_INVALID_INPUT');
  });

  it('reports the newest running deployment of the stack only', () => {
    start('web');
    const newer = start('web');
    start('db');
    expect(store.deployments.running('web')?.id).toBe(newer.id);
    expect(store.deployments.running('cache')).toBeUndefined();
  });

  it('marks every running deployment of a stack as interrupted', () => {
    const a = start('web');
    const finished = start('web');
    store.deployments.finish(finished.id, 'failed');
    const b = start('web');
    const other = start('db');
    clock.advance(5000);

    expect(store.deployments.markInterrupted('web', 'process 4242 is gone')).toEqual([a.id, b.id]);
    for (const id of [a.id, b.id]) {
      expect(store.deployments.get(id)).toMatchObject({
        status: 'interrupted',
        summary: 'process 4242 is gone',
        finishedAt: '2025-06-01T12:00:05.000Z',
      });
    }
    expect(store.deployments.get(finished.id)?.status).toBe('failed');
    expect(store.deployments.get(other.id)?.status).toBe('running');
    expect(store.deployments.markInterrupted('web', 'again')).toEqual([]);
  });
});

describe('deployments.list', () => {
  it('pages newest first with a keyset cursor', () => {
    const ids: number[] = [];
    for (let i = 0; i < 25; i++) {
      ids.push(start('web').id);
      if (i % 5 === 0) start('db');
    }
    const newestFirst = [...ids].reverse();

    const first = store.deployments.list('web', { limit: 10 });
    expect(first.items.map((d) => d.id)).toEqual(newestFirst.slice(0, 10));
    expect(first.nextBefore).toBe(newestFirst[9]);
    const second = store.deployments.list('web', { limit: 10, before: first.nextBefore });
    expect(second.items.map((d) => d.id)).toEqual(newestFirst.slice(10, 20));
    const third = store.deployments.list('web', { limit: 10, before: second.nextBefore });
    expect(third.items.map((d) => d.id)).toEqual(newestFirst.slice(20));
    expect(third.nextBefore).toBeUndefined();
    expect(third.items.every((d) => d.stack === 'web')).toBe(true);
  });

  it('lists every stack when none is given, and omits the cursor on an exact last page', () => {
    for (let i = 0; i < 4; i++) start(i % 2 === 0 ? 'web' : 'db');
    const all = store.deployments.list(undefined, { limit: 4 });
    expect(all.items.map((d) => d.id)).toEqual([4, 3, 2, 1]);
    expect(all.nextBefore).toBeUndefined();
    expect(store.deployments.list('none', { limit: 4 })).toEqual({ items: [] });
  });

  it('refuses a limit out of range', () => {
    expect(errorCodeOf(() => store.deployments.list('web', { limit: 0 }))).toBe('STORE_INVALID_INPUT');
    expect(errorCodeOf(() => store.deployments.list('web', { limit: 2.5 }))).toBe('STORE_INVALID_INPUT');
  });
});

describe('deployments.recorded', () => {
  it('says whether a stack has any deployment here', () => {
    expect(store.deployments.recorded('web')).toBe(false);
    start('web');
    expect(store.deployments.recorded('web')).toBe(true);
    expect(store.deployments.recorded('db')).toBe(false);
  });
});
