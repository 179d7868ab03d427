import { afterEach, describe, expect, it } from 'vitest';
import { CONTAINERS, TableStacks } from '../../test/support/control.js';
import { type TestBrowser, webFixture } from '../../test/support/web-app.js';
import type { UpResult } from '../api/deploy.js';
import type { UpOptions } from '../deploy/service.js';

/** A deploy whose web service fails its health gate and is rolled back. */
class RollingBack extends TableStacks {
  override async up(stack: string, options: UpOptions): Promise<UpResult> {
    options.onEvent?.({ type: 'gate', service: 'web', message: 'web is unhealthy' });
    options.onEvent?.({ type: 'rollback', message: 'restoring the previous containers' });
    return {
      stack,
      deploymentId: 2,
      outcome: 'rolled-back',
      failure: { service: 'web', reason: 'unhealthy', detail: 'health check failed 3 times', logTail: [] },
      changedServices: [],
    };
  }
}

/** An `up --build` whose build prints a line with a value derived from a secret. */
const DERIVED = 'derived=bnBtX0VudkZpbGU1Njc4Cg==';
class Building extends TableStacks {
  override async up(stack: string, options: UpOptions): Promise<UpResult> {
    options.onEvent?.({ type: 'build', service: 'web', message: 'building local/web:1: rebuild requested' });
    options.onEvent?.({ type: 'output', service: 'web', message: `literal=******** ${DERIVED}` });
    options.onEvent?.({ type: 'build', service: 'web', message: 'built local/web:1' });
    return { stack, deploymentId: 3, outcome: 'succeeded', changedServices: ['web'] };
  }
}

let f: Awaited<ReturnType<typeof webFixture>> | undefined;
afterEach(() => f?.close());

async function setUp(stacks: TableStacks, user = 'operator'): Promise<TestBrowser> {
  f = await webFixture({ stacks });
  const b = f.browser();
  await b.login(user);
  return b;
}

const outcomeOf = (html: string) => /<div id="outcome" data-outcome="([a-z-]+)"/.exec(html)?.[1];
const events = (html: string) =>
  [...html.matchAll(/<li data-event="\d+">([^<]*)<\/li>/g)].map((m) => (m[1] ?? '').replace(/^\S+ /, ''));

describe('the operation page', () => {
  it('confirms with the plan, starts the deploy, and shows it live until it succeeds', async () => {
    const stacks = new TableStacks(CONTAINERS);
    const b = await setUp(stacks);
    const confirm = await b.get('/stacks/alpha/confirm/up');
    expect(confirm.text).toContain('<h2 id="plan-title">Plan</h2>');
    expect(confirm.text).toContain('recreate worker #1 (stop-first)');
    expect(confirm.text).toMatch(
      /<form method="post" action="\/stacks\/alpha\/up"[^>]*><input type="hidden" name="csrf" value="[^"]+"\/><button type="submit">Confirm deploy<\/button>/,
    );
    let release = () => {};
    stacks.gate = new Promise<void>((r) => {
      release = r;
    });
    const started = await b.post('/stacks/alpha/up', { csrf: b.csrf() });
    const page = await b.get(started.location ?? '');
    expect(page.status).toBe(200);
    expect(outcomeOf(page.text)).toBe('running');
    expect(events(page.text)).toEqual(['operator started up of alpha', 'deploying alpha: web']);
    expect(page.text).toContain('<a href="/stacks/alpha/operations/op-1">Refresh</a>');
    expect(page.text).toContain(
      'hx-ext="sse" sse-connect="/stacks/alpha/operations/op-1/events?after=2" sse-close="end"',
    );
    expect(page.text).toContain('<ol id="events" class="events" sse-swap="line" hx-swap="beforeend"');

    const live = await f?.fetch(
      new Request('http://berth.test/stacks/alpha/operations/op-1/events?after=2', {
        headers: { Cookie: [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      }),
    );
    expect(live?.headers.get('content-type')).toBe('text/event-stream');
    release();
    const text = (await live?.text()) ?? '';
    expect(text).toMatch(/^id: 3\nevent: line\ndata: <li data-event="3">\S+ web: web is healthy<\/li>\n\n/);
    expect(text).toMatch(/id: 4\nevent: line\ndata: <li data-event="4">\S+ up of alpha succeeded<\/li>\n\n/);
    expect(text).toContain('event: outcome\ndata: <div id="outcome" data-outcome="succeeded"');
    expect(text.endsWith('event: end\ndata: end\n\n')).toBe(true);

    await f?.control.runner.idle();
    const done = await b.get(started.location ?? '');
    expect(outcomeOf(done.text)).toBe('succeeded');
    expect(done.text).not.toContain('sse-connect');
    expect(done.text).not.toContain('<script');
    expect(events(done.text)).toEqual([
      'operator started up of alpha',
      'deploying alpha: web',
      'web: web is healthy',
      'up of alpha succeeded',
    ]);
  });

  it('resumes a reconnecting stream after its Last-Event-ID, not from the page’s `after`', async () => {
    const stacks = new TableStacks(CONTAINERS);
    const b = await setUp(stacks);
    const started = await b.post('/stacks/alpha/up', { csrf: b.csrf() });
    await f?.control.runner.idle();
    const cookie = [...b.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const stream = async (headers: Record<string, string>) => {
      const res = await f?.fetch(
        new Request(`http://berth.test${started.location}/events?after=1`, {
          headers: { Cookie: cookie, ...headers },
        }),
      );
      const text = (await res?.text()) ?? '';
      return [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    };
    // The page's URL alone: every event after 1. A reconnect that saw 3: only 4, once.
    expect(await stream({})).toEqual([2, 3, 4]);
    expect(await stream({ 'Last-Event-ID': '3' })).toEqual([4]);
    // A header that is not an event id is ignored: the page's `after` holds.
    expect(await stream({ 'Last-Event-ID': 'x' })).toEqual([2, 3, 4]);
  });

  it('says a rolled-back deploy failed, and why', async () => {
    const b = await setUp(new RollingBack(CONTAINERS));
    const started = await b.post('/stacks/alpha/up', { csrf: b.csrf() });
    await f?.control.runner.idle();
    const page = await b.get(started.location ?? '');
    expect(outcomeOf(page.text)).toBe('rolled-back');
    expect(page.text).toContain('failed — rolled back: web: unhealthy: health check failed 3 times');
    expect(events(page.text)).toContain('web: web is unhealthy');
  });

  it('restarts and takes down through their confirmations', async () => {
    const stacks = new TableStacks(CONTAINERS);
    const b = await setUp(stacks);
    const restart = await b.get('/stacks/alpha/confirm/restart');
    expect(restart.text).toContain('web, worker');
    expect(restart.text).toContain('<button type="submit">Confirm restart</button>');
    const down = await b.get('/stacks/alpha/confirm/down');
    expect(down.text).toContain('<li>remove container alpha-web-1</li>');
    expect(down.text).toContain('<button type="submit" class="danger">Confirm down</button>');
    const r = await b.post('/stacks/alpha/restart', { csrf: b.csrf() });
    expect(r.location).toBe('/stacks/alpha/operations/op-1');
    await f?.control.runner.idle();
    const d = await b.post('/stacks/alpha/down', { csrf: b.csrf() });
    expect(d.location).toBe('/stacks/alpha/operations/op-2');
    await f?.control.runner.idle();
    expect(outcomeOf((await b.get(d.location ?? '')).text)).toBe('succeeded');
    expect(stacks.calls.filter((c) => c.op !== 'plan' && c.op !== 'down-plan').map((c) => c.op)).toEqual([
      'restart',
      'down',
    ]);
  });

  it('links the stack’s operations from its page, newest first, each saying how it ended', async () => {
    const stacks = new TableStacks(CONTAINERS);
    const b = await setUp(stacks);
    await b.post('/stacks/alpha/up', { csrf: b.csrf() });
    await f?.control.runner.idle();
    await b.post('/stacks/alpha/restart', { csrf: b.csrf() });
    await f?.control.runner.idle();
    const page = (await b.get('/stacks/alpha')).text;
    const links = [...page.matchAll(/<a href="(\/stacks\/alpha\/operations\/[^"]+)">([^<]+)<\/a>/g)].map(
      (m) => [m[1], m[2]],
    );
    expect(links).toEqual([
      ['/stacks/alpha/operations/op-2', 'restart succeeded'],
      ['/stacks/alpha/operations/op-1', 'up succeeded'],
    ]);
  });

  it('shows a second operation on a busy stack as the API’s 409', async () => {
    const stacks = new TableStacks(CONTAINERS);
    const b = await setUp(stacks);
    stacks.gate = new Promise<void>(() => {});
    await b.post('/stacks/alpha/up', { csrf: b.csrf() });
    const busy = await b.submit('/stacks/alpha/restart', { csrf: b.csrf() });
    expect(busy.status).toBe(409);
    expect(busy.text).toContain('role="alert"');
    expect(busy.text).toContain('operation op-1');
  });

  it('shows a viewer a build’s progress, and only operators what the build printed', async () => {
    const b = await setUp(new Building(CONTAINERS), 'viewer');
    const operator = f?.browser();
    await operator?.login('operator');
    const started = await operator?.post('/stacks/alpha/up', { csrf: operator.csrf() });
    await f?.control.runner.idle();
    const asViewer = events((await b.get(started?.location ?? '')).text);
    expect(asViewer).toEqual([
      'operator started up of alpha',
      'web: building local/web:1: rebuild requested',
      'web: built local/web:1',
      expect.stringMatching(/succeeded/),
    ]);
    const asOperator = events((await operator?.get(started?.location ?? ''))?.text ?? '');
    expect(asOperator).toContain(`web: literal=******** ${DERIVED}`);
  });

  it('lets a viewer follow an operation; another stack’s id is not found', async () => {
    const b = await setUp(new TableStacks(CONTAINERS), 'viewer');
    const operator = f?.browser();
    await operator?.login('operator');
    const started = await operator?.post('/stacks/alpha/up', { csrf: operator.csrf() });
    await f?.control.runner.idle();
    expect(outcomeOf((await b.get(started?.location ?? '')).text)).toBe('succeeded');
    expect((await b.get('/stacks/beta/operations/op-1')).status).toBe(404);
    expect((await b.get('/stacks/beta/operations/op-1/events')).status).toBe(404);
  });
});
