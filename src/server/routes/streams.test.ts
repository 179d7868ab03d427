import { afterEach, describe, expect, it } from 'vitest';
import { type ControlToken, controlFixture } from '../../../test/support/control.js';
import { SseReader } from '../../../test/support/sse.js';
import type { StoreEventInput } from '../../store/index.js';

let f: ReturnType<typeof controlFixture>;
afterEach(() => f.close());

function hold(): () => void {
  let release = () => {};
  f.stacks.gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return release;
}

const publish = (stack: string | undefined, message: string) => {
  const input: StoreEventInput = { kind: 'container', type: 'start', message, ...(stack ? { stack } : {}) };
  return f.control.hub.publish(input);
};

async function subscribe(path: string, token: ControlToken, headers: Record<string, string> = {}) {
  const res = await f.open(path, token, { headers });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  expect(res.headers.get('cache-control')).toBe('no-store');
  return new SseReader(res);
}

describe('GET /api/v1/events?operation=', () => {
  it('replays a finished operation from its start and ends after `finished`', async () => {
    f = controlFixture();
    await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {});
    await f.call('POST', '/api/v1/stacks/beta/up', 'operator', {});
    await f.control.runner.idle();

    const sse = await subscribe('/api/v1/events?operation=op-1', 'viewer');
    const messages = await sse.rest();
    expect(sse.done).toBe(true);
    expect(messages.map((m) => [m.event, m.data.type, m.data.operation, m.data.stack])).toEqual([
      ['operation', 'started', 'op-1', 'alpha'],
      ['deploy', 'plan', 'op-1', 'alpha'],
      ['deploy', 'gate', 'op-1', 'alpha'],
      ['operation', 'finished', 'op-1', 'alpha'],
    ]);
    expect(messages.map((m) => m.id)).toEqual(messages.map((m) => m.data.id));
    expect(messages.at(-1)?.data.data).toEqual({
      status: 'succeeded',
      result: { stack: 'alpha', deploymentId: 1, outcome: 'succeeded', changedServices: ['web'] },
    });
    expect(messages[2]?.data).toMatchObject({ service: 'web', message: 'web is healthy' });
    expect(f.control.hub.subscribers).toBe(0);
  });

  it('sends live events while subscribed, then ends', async () => {
    f = controlFixture();
    const release = hold();
    await f.call('POST', '/api/v1/stacks/alpha/up', 'alpha-operator', {});
    const sse = await subscribe('/api/v1/events?operation=op-1', 'alpha-viewer');
    expect((await sse.take(2)).map((m) => m.data.type)).toEqual(['started', 'plan']);
    expect(f.control.hub.subscribers).toBe(1);
    // Another operation's and another stack's events are not this stream's.
    publish('alpha', 'alpha-web-1 started');
    release();
    const rest = await sse.rest();
    expect(rest.map((m) => m.data.type)).toEqual(['gate', 'finished']);
    expect(f.control.hub.subscribers).toBe(0);
  });
});

describe('GET /api/v1/events resuming', () => {
  it('sends only events after Last-Event-ID, then live ones, without a gap or a duplicate', async () => {
    f = controlFixture();
    const first = [1, 2, 3, 4, 5].map((i) => publish('alpha', `e${i}`));
    const from = first[1]?.id ?? 0;
    const sse = await subscribe('/api/v1/events', 'viewer', { 'Last-Event-ID': String(from) });
    const backlog = await sse.take(3);
    const live = [6, 7].map((i) => publish('alpha', `e${i}`));
    const after = await sse.take(2);
    const ids = [...backlog, ...after].map((m) => m.id);
    expect(ids).toEqual([...first.slice(2), ...live].map((e) => e.id));
    expect([...backlog, ...after].map((m) => m.data.message)).toEqual(['e3', 'e4', 'e5', 'e6', 'e7']);
    await sse.cancel();
  });

  it('takes `after` from the query, and Last-Event-ID over it', async () => {
    f = controlFixture();
    const events = [1, 2, 3].map((i) => publish(undefined, `e${i}`));
    const byQuery = await subscribe(`/api/v1/events?after=${events[0]?.id}`, 'viewer');
    expect((await byQuery.take(2)).map((m) => m.data.message)).toEqual(['e2', 'e3']);
    await byQuery.cancel();
    const both = await subscribe(`/api/v1/events?after=${events[0]?.id}`, 'viewer', {
      'Last-Event-ID': String(events[1]?.id),
    });
    expect((await both.next())?.data.message).toBe('e3');
    await both.cancel();
  });

  it('sends a `reset` event and the whole log when resuming from an id this log never had', async () => {
    f = controlFixture();
    const events = [1, 2].map((i) => publish('alpha', `e${i}`));
    const sse = await subscribe('/api/v1/events', 'viewer', { 'Last-Event-ID': '9999' });
    const [reset, ...rest] = await sse.take(3);
    expect(reset?.event).toBe('reset');
    expect(reset?.data).toMatchObject({ after: 9999, latest: events[1]?.id });
    expect(rest.map((m) => m.data.message)).toEqual(['e1', 'e2']);
    await sse.cancel();
  });

  it('is 404 when following an operation that does not exist or is on a stack the caller cannot view', async () => {
    f = controlFixture();
    await f.call('POST', '/api/v1/stacks/beta/up', 'operator', {});
    await f.control.runner.idle();
    for (const [op, token] of [
      ['op-404', 'viewer'],
      ['op-1', 'alpha-viewer'],
    ] as const) {
      const res = await f.open(`/api/v1/events?operation=${op}`, token);
      expect([op, res.status]).toEqual([op, 404]);
      expect(((await res.json()) as { code: string }).code).toBe('OPERATION_NOT_FOUND');
    }
  });

  it('sends a `gap` event when resuming from before the oldest kept event', async () => {
    f = controlFixture({ retention: 10 });
    // The log prunes every 500 appends, down to the newest `retention` events: 491..500 stay.
    for (let i = 1; i <= 500; i++) publish('alpha', `e${i}`);
    expect(f.control.hub.oldestId()).toBe(491);

    const sse = await subscribe('/api/v1/events', 'viewer', { 'Last-Event-ID': '5' });
    const [gap, ...rest] = await sse.take(11);
    expect(gap).toEqual({
      event: 'gap',
      data: {
        after: 5,
        oldest: 491,
        message: 'events 6 to 490 are no longer kept; reload the state you show',
      },
      dataLines: 1,
    });
    expect(rest.map((m) => m.id)).toEqual([491, 492, 493, 494, 495, 496, 497, 498, 499, 500]);
    await sse.cancel();

    // Resuming right before the oldest kept event missed nothing.
    const exact = await subscribe('/api/v1/events', 'viewer', { 'Last-Event-ID': '490' });
    expect(await exact.next()).toMatchObject({ event: 'container', id: 491 });
    await exact.cancel();
  });
});

describe('GET /api/v1/events without a resume point', () => {
  it('starts with the newest 100 events, and `after=0` replays the whole log', async () => {
    f = controlFixture();
    for (let i = 1; i <= 250; i++) publish('alpha', `e${i}`);
    const recent = await subscribe('/api/v1/events', 'viewer');
    const backlog = await recent.take(100);
    expect(backlog.map((m) => m.id)).toEqual(Array.from({ length: 100 }, (_, i) => i + 151));
    publish('alpha', 'live');
    expect((await recent.next())?.data.message).toBe('live');
    await recent.cancel();

    const all = await subscribe('/api/v1/events?after=0', 'viewer');
    expect((await all.take(251)).map((m) => m.id)).toEqual(Array.from({ length: 251 }, (_, i) => i + 1));
    await all.cancel();
  });

  it('still replays an operation from its start', async () => {
    f = controlFixture();
    await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {});
    await f.control.runner.idle();
    for (let i = 1; i <= 150; i++) publish('beta', `e${i}`);
    const sse = await subscribe('/api/v1/events?operation=op-1', 'viewer');
    expect((await sse.rest()).map((m) => m.data.type)).toEqual(['started', 'plan', 'gate', 'finished']);
  });
});

describe('GET /api/v1/events and logs: open streams are capped', () => {
  const problem = async (res: Response) => {
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    return (await res.json()) as { code: string; detail: string; hint: string };
  };

  it('refuses an 11th stream of one user with 429 and Retry-After, until one closes', async () => {
    f = controlFixture();
    const open = await Promise.all(Array.from({ length: 10 }, () => subscribe('/api/v1/events', 'viewer')));
    expect(await problem(await f.open('/api/v1/events', 'viewer'))).toMatchObject({
      code: 'TOO_MANY_STREAMS',
      detail: 'you have 10 streams open, the most one user may have (events and logs together)',
    });
    // Another user is not held back by this one.
    const other = await subscribe('/api/v1/events', 'alpha-viewer');
    await open[0]?.cancel();
    const again = await subscribe('/api/v1/events', 'viewer');
    for (const sse of [...open.slice(1), other, again]) await sse.cancel();
    expect(f.control.hub.subscribers).toBe(0);
  });

  it('caps the streams of the whole server, logs included', async () => {
    f = controlFixture({ streamLimits: { perPrincipal: 10, total: 2 } });
    const one = await subscribe('/api/v1/events', 'viewer');
    const logs = await f.open('/api/v1/stacks/alpha/logs?follow=true', 'operator');
    expect(logs.status).toBe(200);
    expect(await problem(await f.open('/api/v1/events', 'admin'))).toMatchObject({
      code: 'TOO_MANY_STREAMS',
      detail: 'the server has 2 streams open, the most it serves at once',
    });
    // A log stream gives its slot back when it ends.
    await logs.text();
    const two = await subscribe('/api/v1/events', 'admin');
    for (const sse of [one, two]) await sse.cancel();
  });

  it('gives the slot back when a stream ends by itself (an operation’s)', async () => {
    f = controlFixture({ streamLimits: { perPrincipal: 1, total: 10 } });
    await f.call('POST', '/api/v1/stacks/alpha/up', 'operator', {});
    await f.control.runner.idle();
    for (let i = 0; i < 3; i++) {
      const sse = await subscribe('/api/v1/events?operation=op-1', 'viewer');
      expect(await sse.rest()).toHaveLength(4);
    }
  });
});

describe('GET /api/v1/events visibility', () => {
  it('never sends a stack the caller cannot view, and stack-less events only to global viewers', async () => {
    f = controlFixture();
    const alphaOnly = await subscribe('/api/v1/events', 'alpha-viewer');
    const global = await subscribe('/api/v1/events', 'viewer');
    publish('beta', 'beta-api-1 started');
    publish(undefined, 'engine reconnected');
    publish('alpha', 'alpha-web-1 started');
    expect((await alphaOnly.next())?.data.message).toBe('alpha-web-1 started');
    expect((await global.take(3)).map((m) => m.data.message)).toEqual([
      'beta-api-1 started',
      'engine reconnected',
      'alpha-web-1 started',
    ]);
    // The backlog is filtered the same way.
    const late = await subscribe('/api/v1/events', 'alpha-viewer');
    expect((await late.next())?.data.message).toBe('alpha-web-1 started');
    for (const sse of [alphaOnly, global, late]) await sse.cancel();
  });

  it('filters by `stack`, and shows nothing of a stack the caller cannot view', async () => {
    f = controlFixture();
    publish('beta', 'b1');
    publish(undefined, 'n1');
    publish('alpha', 'a1');
    publish('beta', 'b2');
    const beta = await subscribe('/api/v1/events?stack=beta', 'viewer');
    expect((await beta.take(2)).map((m) => m.data.message)).toEqual(['b1', 'b2']);
    const denied = await subscribe('/api/v1/events?stack=beta', 'alpha-viewer');
    publish('alpha', 'a2');
    publish('beta', 'b3');
    expect((await beta.next())?.data.message).toBe('b3');
    await expect(denied.next(100)).rejects.toThrow(/no SSE frame/);
    for (const sse of [beta, denied]) await sse.cancel();
  });
});

describe('GET /api/v1/events and one-off containers', () => {
  it('leaves out state changes of one-off containers unless asked with oneoff=true', async () => {
    f = controlFixture();
    f.control.hub.publish({
      kind: 'container',
      type: 'start',
      stack: 'alpha',
      message: 'alpha-app-run-1 started',
      data: { container: 'alpha-app-run-1', oneOff: true },
    });
    publish('alpha', 'alpha-web-1 started');
    const plain = await subscribe('/api/v1/events', 'viewer');
    const all = await subscribe('/api/v1/events?oneoff=true', 'viewer');
    expect((await plain.next())?.data.message).toBe('alpha-web-1 started');
    expect((await all.take(2)).map((m) => m.data.message)).toEqual([
      'alpha-app-run-1 started',
      'alpha-web-1 started',
    ]);
    for (const sse of [plain, all]) await sse.cancel();
  });
});

describe('GET /api/v1/events and job output', () => {
  it('sends the output lines of a job run only to operators of its stack', async () => {
    f = controlFixture();
    f.control.hub.publish({
      kind: 'job',
      type: 'output',
      stack: 'alpha',
      service: 'app',
      message: 'a secret-ish line',
    });
    f.control.hub.publish({
      kind: 'job',
      type: 'finished',
      stack: 'alpha',
      service: 'app',
      message: 'alpha/app/j succeeded',
    });
    const viewer = await subscribe('/api/v1/events', 'alpha-viewer');
    const operator = await subscribe('/api/v1/events', 'alpha-operator');
    expect((await viewer.next())?.data.message).toBe('alpha/app/j succeeded');
    expect((await operator.take(2)).map((m) => m.data.message)).toEqual([
      'a secret-ish line',
      'alpha/app/j succeeded',
    ]);
    for (const sse of [viewer, operator]) await sse.cancel();
  });
});

describe('GET /api/v1/events connection', () => {
  it('sends heartbeats while idle', async () => {
    f = controlFixture({ heartbeatMs: 5 });
    const sse = await subscribe('/api/v1/events', 'viewer');
    expect(await sse.frame()).toEqual({ comment: 'keep-alive' });
    expect(await sse.frame()).toEqual({ comment: 'keep-alive' });
    publish('alpha', 'a1');
    expect((await sse.next())?.data.message).toBe('a1');
    await sse.cancel();
  });

  it('unsubscribes when the client goes away', async () => {
    f = controlFixture();
    const one = await subscribe('/api/v1/events', 'viewer');
    const two = await subscribe('/api/v1/events', 'alpha-viewer');
    expect(f.control.hub.subscribers).toBe(2);
    await one.cancel();
    expect(f.control.hub.subscribers).toBe(1);
    await two.cancel();
    expect(f.control.hub.subscribers).toBe(0);
    // Publishing after both left reaches no one and fails nothing.
    expect(publish('alpha', 'after').id).toBeGreaterThan(0);
  });

  it('is 400 for a bad query', async () => {
    f = controlFixture();
    expect((await f.call('GET', '/api/v1/events?after=-1', 'viewer')).json).toMatchObject({
      status: 400,
      code: 'VALIDATION',
    });
  });
});

describe('GET /api/v1/stacks/:stack/logs', () => {
  const lines = (text: string) =>
    text
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l));

  it('streams NDJSON, one line per entry, of the stack’s containers', async () => {
    f = controlFixture();
    const res = await f.call('GET', '/api/v1/stacks/alpha/logs', 'alpha-operator');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    expect(res.text.endsWith('\n')).toBe(true);
    expect(lines(res.text)).toEqual([
      { container: 'alpha-web-1', service: 'web', stream: 'stdout', line: 'hello from alpha-web-1' },
      { container: 'alpha-worker-1', service: 'worker', stream: 'stdout', line: 'hello from alpha-worker-1' },
    ]);
  });

  it('filters by service', async () => {
    f = controlFixture();
    const res = await f.call('GET', '/api/v1/stacks/alpha/logs?service=worker&tail=10', 'operator');
    expect(lines(res.text).map((l) => l.container)).toEqual(['alpha-worker-1']);
  });

  it('needs operator: logs carry secrets', async () => {
    f = controlFixture();
    for (const token of ['viewer', 'alpha-viewer'] as const) {
      const res = await f.call('GET', '/api/v1/stacks/alpha/logs', token);
      expect(res.status).toBe(403);
      expect(res.json).toMatchObject({ code: 'FORBIDDEN' });
    }
  });

  it('ends the stream with an error line when the source fails', async () => {
    f = controlFixture();
    // A stack this server deployed but whose files are gone: in scope, but the source cannot find it.
    f.store.deployments.create({ stack: 'omega', trigger: 'cli', plan: {} });
    const res = await f.call('GET', '/api/v1/stacks/omega/logs', 'operator');
    expect(res.status).toBe(200);
    expect(lines(res.text)).toEqual([
      { error: { code: 'DEPLOY_STACK_NOT_FOUND', message: 'no stack omega in the workspace' } },
    ]);
  });

  it('is 404 for a stack outside the server, before any stream opens', async () => {
    f = controlFixture();
    const res = await f.call('GET', '/api/v1/stacks/zeta/logs', 'operator');
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({
      code: 'DEPLOY_STACK_NOT_FOUND',
      detail: 'no stack zeta in the workspace',
    });
  });
});
