import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableControl } from '../../../test/support/control.js';
import {
  grantsOf,
  makeWorkspace,
  principal,
  tableAuthenticator,
  testDeps,
} from '../../../test/support/http-app.js';
import { SseReader } from '../../../test/support/sse.js';
import { EVENT_RETENTION } from '../../store/events.js';
import { openMemoryStore } from '../../store/index.js';
import { createApp } from '../app.js';
import { BACKLOG_PAGE } from '../sse.js';
import { DEFAULT_STREAM_LIMITS } from '../stream-slots.js';
import { DEFAULT_EVENT_BACKLOG } from './streams.js';

// Issue 13: 200 event streams over a full event log must not hold the server. No timing is
// asserted (the project's rule); what is asserted is what makes it hold: each stream gets its bounded
// backlog, pages are read only as clients take them, and /healthz answers while streams replay.

const USERS = 20;
const STREAMS = USERS * DEFAULT_STREAM_LIMITS.perPrincipal;

const workspace = makeWorkspace();
const store = openMemoryStore({ now: () => new Date() });
const control = tableControl(store);
const tokens = Object.fromEntries(
  Array.from({ length: USERS }, (_, i) => [`u${i}`, principal(`u${i}`, grantsOf('viewer'))]),
);
const app = createApp(testDeps({ root: workspace.root, authenticator: tableAuthenticator(tokens), control }));
afterAll(() => {
  store.close();
  workspace.cleanup();
});

/** Events read from the log by all streams together. */
let read = 0;
beforeAll(() => {
  // A full log: as many events as the store keeps.
  for (let i = 1; i <= EVENT_RETENTION; i++) {
    control.hub.publish({
      kind: 'container',
      type: 'start',
      stack: 'alpha',
      message: `alpha-web-1 started (${i})`,
    });
  }
  const backlog = control.hub.backlog.bind(control.hub);
  control.hub.backlog = (after, limit, operation) => {
    const page = backlog(after, limit, operation);
    read += page.length;
    return page;
  };
});

const open = (i: number, query = '') =>
  app.request(`/api/v1/events${query}`, { headers: { Authorization: `Bearer u${i % USERS}` } });

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe(`${STREAMS} concurrent event streams over a full log`, () => {
  it('each get the newest 100 events, a 201st is refused, and /healthz answers meanwhile', async () => {
    read = 0;
    const latest = control.hub.latestId();
    const opening = Array.from({ length: STREAMS }, (_, i) => open(i));
    const health = app.request('/healthz');
    const readers = (await Promise.all(opening)).map((res) => {
      expect(res.status).toBe(200);
      return new SseReader(res);
    });
    const backlogs = Promise.all(readers.map((sse) => sse.take(DEFAULT_EVENT_BACKLOG)));
    expect((await health).status).toBe(200);
    const expected = Array.from(
      { length: DEFAULT_EVENT_BACKLOG },
      (_, i) => latest - DEFAULT_EVENT_BACKLOG + 1 + i,
    );
    for (const backlog of await backlogs) expect(backlog.map((m) => m.id)).toEqual(expected);
    // Only the backlogs were read, not the log.
    expect(read).toBeLessThanOrEqual(STREAMS * (DEFAULT_EVENT_BACKLOG + BACKLOG_PAGE));
    // Every user has 10 open: the next one is refused.
    const refused = await open(0);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('5');
    for (const sse of readers) await sse.cancel();
    expect(control.hub.subscribers).toBe(0);
  });

  it('replaying the whole log (`after=0`), read a page at a time as clients take it, /healthz answering between pages', async () => {
    read = 0;
    const readers = (await Promise.all(Array.from({ length: STREAMS }, (_, i) => open(i, '?after=0')))).map(
      (res) => new SseReader(res),
    );
    await tick();
    // Nobody has read yet: each stream holds at most one page, not the log (which is 20 000 events).
    expect(read).toBeLessThanOrEqual(STREAMS * BACKLOG_PAGE);

    const TAKE = 1_000;
    let finished = 0;
    const reading = readers.map(async (sse) => {
      const got = await sse.take(TAKE, 10_000);
      finished++;
      return got;
    });
    const health = await app.request('/healthz');
    expect(health.status).toBe(200);
    // It did not wait for the replays.
    expect(finished).toBeLessThan(STREAMS);
    for (const got of await Promise.all(reading)) {
      expect(got[0]?.id).toBe(1);
      expect(got.at(-1)?.id).toBe(TAKE);
    }
    await tick();
    expect(read).toBeLessThanOrEqual(STREAMS * (TAKE + 2 * BACKLOG_PAGE));

    // One client reading on gets the whole log, in order, then live events.
    const [first, ...rest] = readers;
    for (const sse of rest) await sse.cancel();
    const remaining = await first?.take(EVENT_RETENTION - TAKE, 10_000);
    expect(remaining?.at(-1)?.id).toBe(EVENT_RETENTION);
    control.hub.publish({ kind: 'container', type: 'die', stack: 'alpha', message: 'live' });
    expect((await first?.next())?.data.message).toBe('live');
    await first?.cancel();
    expect(control.hub.subscribers).toBe(0);
  }, 60_000);
});
