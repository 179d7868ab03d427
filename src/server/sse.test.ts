import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SseReader } from '../../test/support/sse.js';
import type { StreamEvent } from '../api/events.js';
import { EventHub } from '../events/hub.js';
import { openMemoryStore, type Store } from '../store/index.js';
import { BACKLOG_PAGE, eventStream, formatSse } from './sse.js';

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

  it('reads the backlog a page at a time, only as the client takes it', async () => {
    for (let i = 1; i <= 2000; i++) publish(`e${i}`);
    let read = 0;
    const counting = Object.create(hub) as EventHub;
    counting.backlog = (after, limit, operation) => {
      const page = hub.backlog(after, limit, operation);
      read += page.length;
      return page;
    };
    const { sse } = open({ hub: counting });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Nothing read by the client yet: at most the page the stream keeps ready.
    expect(read).toBeLessThanOrEqual(BACKLOG_PAGE);
    await sse.take(250);
    expect(read).toBeLessThanOrEqual(250 + 2 * BACKLOG_PAGE);
    const rest = await sse.take(1750);
    expect(rest.at(-1)?.id).toBe(2000);
    await sse.cancel();
  });

  it('starts with the newest `tail` events when given no resume point', async () => {
    for (let i = 1; i <= 30; i++) publish(`e${i}`);
    const { sse } = open({ after: 3, tail: 5 });
    expect((await sse.take(5)).map((m) => m.id)).toEqual([26, 27, 28, 29, 30]);
    publish('live');
    expect((await sse.next())?.data.message).toBe('live');
    await sse.cancel();
    // A log shorter than the tail: all of it, and no gap event.
    const { sse: short } = open({ tail: 100 });
    expect((await short.take(31))[0]).toMatchObject({ id: 1, event: 'deploy' });
    await short.cancel();
  });

  it('calls onClose once however the stream ends', async () => {
    publish('a', 'op-a');
    const closed: string[] = [];
    const cancelled = open({ onClose: () => closed.push('cancelled') });
    await cancelled.sse.next();
    await cancelled.sse.cancel();
    const aborted = open({ onClose: () => closed.push('aborted') });
    aborted.abort.abort();
    expect(await aborted.sse.next()).toBeUndefined();
    const ended = open({ onClose: () => closed.push('ended'), endAfter: () => true });
    expect(await ended.sse.rest()).toHaveLength(1);
    expect(closed).toEqual(['cancelled', 'aborted', 'ended']);
    expect(hub.subscribers).toBe(0);
  });

  it('ends a stream whose backlog cannot be read, unsubscribed', async () => {
    publish('a');
    const broken = Object.create(hub) as EventHub;
    broken.backlog = () => {
      throw new Error('disk gone');
    };
    let closed = 0;
    const { sse } = open({ hub: broken, onClose: () => closed++ });
    await expect(sse.next()).rejects.toThrow('disk gone');
    expect(closed).toBe(1);
    expect(hub.subscribers).toBe(0);
  });
});
