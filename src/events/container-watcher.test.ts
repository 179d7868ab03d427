import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Engine, EngineEvent } from '../engine/model.js';
import { openMemoryStore } from '../store/index.js';
import { containerEvent, WATCHED_ACTIONS, watchContainerEvents } from './container-watcher.js';
import { EventHub } from './hub.js';

const LABELS = { 'dev.berth.stack': 'shop', 'dev.berth.service': 'web', 'dev.berth.managed': 'true' };

function engineEvent(over: Partial<EngineEvent> = {}): EngineEvent {
  return {
    type: 'container',
    action: 'start',
    id: '0123456789abcdef0123',
    name: 'shop-web-1',
    labels: LABELS,
    attributes: {},
    time: 1_700_000_000_000,
    ...over,
  };
}

describe('containerEvent', () => {
  it('maps start', () => {
    expect(containerEvent(engineEvent())).toEqual({
      kind: 'container',
      type: 'start',
      stack: 'shop',
      service: 'web',
      message: 'shop-web-1 started',
      data: { container: 'shop-web-1', id: '0123456789abcdef0123' },
    });
  });

  it('maps die with its exit code', () => {
    expect(containerEvent(engineEvent({ action: 'die', exitCode: 137 }))).toMatchObject({
      type: 'die',
      message: 'shop-web-1 exited with code 137',
      data: { container: 'shop-web-1', exitCode: 137 },
    });
    expect(containerEvent(engineEvent({ action: 'die' }))?.message).toBe('shop-web-1 exited');
  });

  it('maps health_status with its detail', () => {
    expect(containerEvent(engineEvent({ action: 'health_status', actionDetail: 'unhealthy' }))).toMatchObject(
      {
        type: 'health_status',
        message: 'shop-web-1 is unhealthy',
        data: { detail: 'unhealthy' },
      },
    );
  });

  it('maps oom and destroy', () => {
    expect(containerEvent(engineEvent({ action: 'oom' }))?.message).toBe('shop-web-1 ran out of memory');
    expect(containerEvent(engineEvent({ action: 'destroy' }))?.message).toBe('shop-web-1 was removed');
  });

  it('names a container without a name by its short id, and omits a missing service', () => {
    const { name: _, ...unnamed } = engineEvent({ labels: { 'dev.berth.stack': 'shop' } });
    const input = containerEvent(unnamed);
    expect(input?.message).toBe('0123456789ab started');
    expect(input).not.toHaveProperty('service');
  });

  it('ignores events of containers without a stack label, other actions and other object types', () => {
    expect(containerEvent(engineEvent({ labels: { 'dev.berth.service': 'web' } }))).toBeUndefined();
    for (const action of ['exec_start', 'attach', 'create', 'kill', 'stop'])
      expect(containerEvent(engineEvent({ action }))).toBeUndefined();
    expect(containerEvent(engineEvent({ type: 'network' }))).toBeUndefined();
    expect([...WATCHED_ACTIONS]).toEqual(['start', 'die', 'oom', 'health_status', 'destroy']);
  });
});

type Connect = (since: number | undefined) => AsyncIterable<EngineEvent>;

/** An engine whose event stream is scripted per connection; a missing script throws. */
function scriptedEngine(connections: Connect[]) {
  const sinces: Array<number | undefined> = [];
  let n = 0;
  const engine = async () => {
    const connect = connections[n++];
    if (!connect) throw new Error(`engine unreachable (connection ${n})`);
    return {
      events: {
        stream: (options: { since?: number }) => {
          sinces.push(options.since);
          return connect(options.since);
        },
      },
    } as unknown as Engine;
  };
  return { engine, sinces };
}

async function* events(...list: EngineEvent[]): AsyncIterable<EngineEvent> {
  yield* list;
}

describe('watchContainerEvents', () => {
  afterEach(() => vi.useRealTimers());

  it('publishes mapped events, reconnects with doubling backoff reset by events, resumes after the last', async () => {
    const store = openMemoryStore({ now: () => new Date() });
    const hub = new EventHub(store.events);
    const abort = new AbortController();
    const failing: Connect = () => {
      throw new Error('connection refused');
    };
    // Engine times ahead of this clock: `since` moves to the last event's time + 1 ms.
    const t = Date.now() + 60_000;
    const { engine, sinces } = scriptedEngine([
      () => events(engineEvent({ time: t }), engineEvent({ action: 'exec_start', time: t + 1000 })),
      failing,
      failing,
      async function* () {
        yield engineEvent({ action: 'die', exitCode: 1, time: t + 4000 });
        throw new Error('stream lost');
      },
    ]);
    const sleeps: number[] = [];
    const warnings: object[] = [];
    await watchContainerEvents({
      engine,
      events: hub,
      signal: abort.signal,
      logger: { warn: (obj) => warnings.push(obj) },
      sleep: async (ms) => {
        sleeps.push(ms);
        if (sleeps.length === 9) abort.abort();
      },
    });
    // 1: events then end; 2, 3: fail; 4: an event then fail; then unreachable until aborted.
    expect(sleeps).toEqual([1000, 2000, 4000, 1000, 2000, 4000, 8000, 16000, 30000]);
    expect(sinces).toHaveLength(4);
    expect(sinces[0]).toBeLessThan(t);
    expect(sinces.slice(1, 4)).toEqual([t + 1001, t + 1001, t + 1001]);
    expect(warnings).toHaveLength(8);
    expect(hub.backlog(0, 10).map((e) => [e.type, e.message])).toEqual([
      ['start', 'shop-web-1 started'],
      ['die', 'shop-web-1 exited with code 1'],
    ]);
    store.close();
  });

  it('leaves out the events of stacks the server does not answer for (another server’s)', async () => {
    const store = openMemoryStore({ now: () => new Date() });
    const hub = new EventHub(store.events);
    const abort = new AbortController();
    const other = { ...LABELS, 'dev.berth.stack': 'elsewhere' };
    const { engine } = scriptedEngine([
      () => events(engineEvent({ labels: other, name: 'elsewhere-web-1' }), engineEvent()),
    ]);
    await watchContainerEvents({
      engine,
      events: hub,
      accept: async (stack) => stack === 'shop',
      signal: abort.signal,
      sleep: async () => abort.abort(),
    });
    expect(hub.backlog(0, 10).map((e) => e.message)).toEqual(['shop-web-1 started']);
    store.close();
  });

  it('caps the backoff at 30 s and leaves no abort listener behind per wait', async () => {
    vi.useFakeTimers();
    const store = openMemoryStore({ now: () => new Date() });
    const abort = new AbortController();
    const { engine } = scriptedEngine([]);
    const watching = watchContainerEvents({
      engine,
      events: new EventHub(store.events),
      signal: abort.signal,
    });
    for (let i = 0; i < 20; i++) await vi.advanceTimersByTimeAsync(30_000);
    expect(getEventListeners(abort.signal, 'abort').length).toBeLessThanOrEqual(1);
    abort.abort();
    await watching;
    store.close();
  });
});
