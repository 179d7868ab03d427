import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SseReader } from '../../test/support/sse.js';
import type { StreamEvent } from '../api/events.js';
import { EventHub } from '../events/hub.js';
import { openMemoryStore, type Store } from '../store/index.js';
import { eventStream, formatSse } from './sse.js';

describe('formatSse', () => {
  it('writes id, event and one data line of JSON, ended by a blank line', () => {
    expect(formatSse({ id: 7, event: 'deploy', data: { a: 1 } })).toBe(
      'id: 7\nevent: deploy\ndata: {"a":1}\n\n',
    );
    expect(formatSse({ event: 'gap', data: { oldest: 3 } })).toBe('event: gap\ndata: {"oldest":3}\n\n');
  });

  it('keeps a multi-line message on one data line', () => {
    const out = formatSse({ id: 1, event: 'deploy', data: { message: 'one\ntwo\r\nthree\rfour\n\nfive' } });
    expect(out.split('\n')).toEqual([
      'id: 1',
      'event: deploy',
      'data: {"message":"one\\ntwo\\r\\nthree\\rfour\\n\\nfive"}',
      '',
      '',
    ]);
    expect(out).not.toContain('\r');
    expect(JSON.parse(out.split('\n')[2]?.slice('data: '.length) ?? '')).toEqual({
      message: 'one\ntwo\r\nthree\rfour\n\nfive',
    });
  });
});

let store: Store;
let hub: EventHub;
beforeEach(() => {
  store = openMemoryStore({ now: () => new Date() });
  hub = new EventHub(store.events);
});
afterEach(() => store.close());

const publish = (message: string, operation?: string) =>
  hub.publish({ kind: 'deploy', type: 'plan', stack: 'alpha', message, ...(operation ? { operation } : {}) });

function open(options: Partial<Parameters<typeof eventStream>[0]> = {}) {
  const abort = new AbortController();
  const stream = eventStream({
    hub,
    after: 0,
    visible: () => true,
    signal: abort.signal,
    heartbeatMs: 60_000,
    ...options,
  });
  return { abort, sse: new SseReader(new Response(stream)) };
}

describe('eventStream', () => {
  it('ends and unsubscribes when its signal aborts', async () => {
    publish('a');
    const { abort, sse } = open();
    expect((await sse.next())?.data.message).toBe('a');
    expect(hub.subscribers).toBe(1);
    abort.abort();
    expect(await sse.next()).toBeUndefined();
    expect(hub.subscribers).toBe(0);
  });

  it('closes at once, subscribing nothing, when the signal is already aborted', async () => {
    publish('a');
    const { sse } = open({ signal: AbortSignal.abort() });
    expect(await sse.next()).toBeUndefined();
    expect(hub.subscribers).toBe(0);
  });

  it('sends an event published while the backlog is read exactly once', async () => {
    const messages: string[] = [];
    // The first backlog read races a publish before it (in the page and queued live) and after it
    // (queued live only).
    const racing = Object.create(hub) as EventHub;
    let reads = 0;
    racing.backlog = (after, limit, operation) => {
      if (reads++ === 0) publish('during-before');
      const page = hub.backlog(after, limit, operation);
      if (reads === 1) publish('during-after');
      return page;
    };
    publish('old');
    const { sse } = open({ hub: racing });
    for (const m of await sse.take(3)) messages.push(m.data.message);
    publish('live');
    messages.push((await sse.next())?.data.message);
    expect(messages).toEqual(['old', 'during-before', 'during-after', 'live']);
    await sse.cancel();
  });

  it('pages through a backlog longer than one page', async () => {
    for (let i = 1; i <= 1200; i++) publish(`e${i}`);
    const { sse } = open({ after: 100 });
    const got = await sse.take(1100);
    expect(got.map((m) => m.id)).toEqual(Array.from({ length: 1100 }, (_, i) => i + 101));
    await sse.cancel();
  });

  it('counts hidden events as sent, and ends after the endAfter event even in the backlog', async () => {
    publish('x1', 'op-x');
    publish('a1', 'op-a');
    const end = hub.publish({
      kind: 'operation',
      type: 'finished',
      stack: 'alpha',
      operation: 'op-a',
      message: 'done',
    });
    publish('a2', 'op-a');
    const { sse } = open({
      visible: (e: StreamEvent) => e.operation === 'op-a',
      endAfter: (e: StreamEvent) => e.id === end.id,
    });
    expect((await sse.rest()).map((m) => m.data.message)).toEqual(['a1', 'done']);
    expect(hub.subscribers).toBe(0);
  });

  it('reads only the operation’s events when given one', async () => {
    publish('x1', 'op-x');
    publish('a1', 'op-a');
    const seen: number[] = [];
    const spy = Object.create(hub) as EventHub;
    spy.backlog = (after, limit, operation) => {
      const page = hub.backlog(after, limit, operation);
      seen.push(...page.map((e) => e.id));
      return page;
    };
    const { sse } = open({ hub: spy, operation: 'op-a' });
    expect((await sse.next())?.data.message).toBe('a1');
    expect(seen).toEqual([2]);
    await sse.cancel();
  });
});
