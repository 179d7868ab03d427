import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { type ControlToken, controlFixture } from '../../test/support/control.js';
import { DeployError } from '../deploy/errors.js';
import type { DeployEvent } from '../deploy/events.js';
import { ApiConnection } from './api.js';
import { ApiRequestError } from './api-error.js';
import { HttpClient } from './http-client.js';

// The CLI's HTTP client against the real app on a real socket, over test stacks (no engine).

let close: () => Promise<void> = async () => {};
afterEach(() => close());

async function started(token: ControlToken = 'operator') {
  const f = controlFixture();
  const server = serve({ fetch: f.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    f.close();
  };
  const client = new HttpClient(new ApiConnection({ url, token }), { sleep: async () => {} });
  return { f, client, url };
}

describe('HttpClient', () => {
  it('deploys: shows the operation’s events as they come and returns its result', async () => {
    const { client } = await started();
    const seen: DeployEvent[] = [];
    const result = await client.up('alpha', { onEvent: (e) => seen.push(e) });
    expect(result).toEqual({
      stack: 'alpha',
      deploymentId: 1,
      outcome: 'succeeded',
      changedServices: ['web'],
    });
    expect(seen.map((e) => [e.type, e.service ?? '', e.message])).toEqual([
      ['plan', '', 'deploying alpha: web'],
      ['gate', 'web', 'web is healthy'],
    ]);
  });

  it('throws the coded error of an operation that failed', async () => {
    const { client, f } = await started();
    f.stacks.fail = new DeployError('DEPLOY_PLAN_REFUSED', 'cannot deploy alpha', 'fix it');
    const error = await client.up('alpha', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRequestError);
    expect(error).toMatchObject({
      code: 'DEPLOY_PLAN_REFUSED',
      message: 'cannot deploy alpha',
      hint: 'fix it',
    });
  });

  it('passes the server’s refusal on, with its code and hint', async () => {
    const { client } = await started('viewer');
    await expect(client.up('alpha', {})).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
    await expect(client.plan('nope')).rejects.toMatchObject({ code: 'DEPLOY_STACK_NOT_FOUND', status: 404 });
  });

  it('refuses a path: over the API a stack is named as in the server’s workspace', async () => {
    const { client } = await started();
    await expect(client.up('./alpha', {})).rejects.toMatchObject({ code: 'STACK_NAME_REQUIRED' });
  });

  it('reads containers, logs, exec, restart, down and deployments', async () => {
    const { client, f } = await started('admin');
    expect((await client.ps('alpha')).map((r) => r.stack)).toEqual(expect.arrayContaining(['alpha']));
    const lines: string[] = [];
    for await (const e of client.logs('alpha', { tail: 5 })) lines.push(`${e.container}: ${e.line}`);
    expect(lines.length).toBeGreaterThan(0);
    expect(await client.exec('alpha', 'web', ['echo', 'hi'])).toMatchObject({
      exitCode: 0,
      stdout: 'echo hi\n',
    });
    expect(await client.restart('alpha', { service: 'web' })).toEqual({ restarted: ['web'] });
    // A dry run asks the server for down's own plan, and changes nothing.
    expect(await client.down('alpha', { dryRun: true, volumes: true })).toEqual({
      containers: ['alpha-web-1'],
      networks: ['alpha_default'],
      volumes: ['alpha_data'],
    });
    expect(f.stacks.calls.filter((c) => c.op.startsWith('down')).map((c) => c.op)).toEqual(['down-plan']);
    expect(await client.down('alpha', { volumes: true })).toMatchObject({ volumes: ['alpha_data'] });
    expect((await client.deployments('alpha', { limit: 5 })).items[0]?.plan).toBeDefined();
    expect(JSON.stringify(await client.config('alpha'))).toContain('[redacted]');
  });

  it('prunes images: the dry run and the retention reach the server, its answer comes back', async () => {
    const { client, f } = await started();
    const dry = await client.pruneImages('alpha', { dryRun: true, keep: 1 });
    expect(dry).toMatchObject({ stack: 'alpha', keep: 1, dryRun: true });
    expect(dry.decisions.map((d) => [d.keep, d.removed])).toEqual([
      [true, false],
      [false, false],
    ]);
    expect((await client.pruneImages('alpha', { dryRun: false })).decisions[1]?.removed).toBe(true);
    expect(f.stacks.calls.filter((c) => c.op === 'prune-images').map((c) => c.options)).toEqual([
      { dryRun: true, keep: 1 },
      { dryRun: false },
    ]);
  });

  it('re-opens a dropped event stream after the last event it saw, showing nothing twice', async () => {
    const { f, url } = await started();
    let release = () => {};
    f.stacks.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A connection whose first event stream is cut after one event, as a proxy restart would.
    const api = new ApiConnection({ url, token: 'operator' });
    // Cut after the second event (started, then the plan line), before the deploy goes on.
    let blocks = 0;
    let cut = true;
    const flaky: Pick<ApiConnection, 'json' | 'lines' | 'url'> = {
      url: api.url,
      json: (method, path, schema, options) => api.json(method, path, schema, options),
      lines: async function* (method, path, options) {
        for await (const line of api.lines(method, path, options)) {
          yield line;
          if (cut && line === '' && ++blocks === 2) {
            cut = false;
            release();
            return;
          }
        }
      },
    };
    const seen: string[] = [];
    const result = await new HttpClient(flaky, { sleep: async () => {} }).up('alpha', {
      onEvent: (e) => seen.push(e.message),
    });
    expect(result.outcome).toBe('succeeded');
    expect(seen).toEqual(['deploying alpha: web', 'web is healthy']);
  });
});

describe('HttpClient, rate limited', () => {
  it('asks again for an event stream the server refused with 429, after its wait, and says so', async () => {
    const { f, url } = await started();
    const notices: string[] = [];
    const waits: number[] = [];
    const api = new ApiConnection({ url, token: 'operator' });
    // Events to replay, so each stream below answers at once: its slot is taken.
    await new HttpClient(api, { sleep: async () => {} }).up('alpha', {});
    // The operator has ten streams open, the most one user may have: the next deploy's is refused.
    const blockers = new AbortController();
    onTestFinished(() => blockers.abort());
    const streams = Array.from({ length: 10 }, () =>
      api
        .lines('GET', '/api/v1/events', { query: { after: 0 }, signal: blockers.signal })
        [Symbol.asyncIterator](),
    );
    await Promise.all(streams.map((stream) => stream.next()));
    const client = new HttpClient(api, {
      // The wait the server asked for passes, and meanwhile the streams are closed.
      sleep: async (ms) => {
        waits.push(ms);
        blockers.abort();
        await new Promise((r) => setTimeout(r, 100));
      },
      notice: (text) => notices.push(text),
    });
    const seen: string[] = [];
    const result = await client.up('alpha', { onEvent: (e) => seen.push(e.message) });
    expect(result).toMatchObject({ stack: 'alpha', outcome: 'succeeded' });
    expect(seen).toEqual(['deploying alpha: web', 'web is healthy']);
    // The server's Retry-After for its stream limit is 5 s.
    expect(waits[0]).toBe(5000);
    expect(notices[0]).toMatch(
      /^the server refused the event stream of operation \S+ for now \(you have 10 streams open.*\); asking again in 5 s \(1 of 5\)\n$/,
    );
    expect(f.stacks.calls.filter((c) => c.op === 'up')).toHaveLength(2);
  });

  it('gives up after a few refusals, with the server’s 429', async () => {
    const { url } = await started();
    const api = new ApiConnection({ url, token: 'operator' });
    const refused = new ApiRequestError('TOO_MANY_STREAMS', 'you have 10 streams open', 'close one', 429);
    const limited: Pick<ApiConnection, 'json' | 'lines' | 'url'> = {
      url: api.url,
      json: (method, path, schema, options) => api.json(method, path, schema, options),
      lines: (method, path, options) =>
        path === '/api/v1/events'
          ? (async function* () {
              yield* [];
              throw Object.assign(refused, { retryAfterSeconds: 2 });
            })()
          : api.lines(method, path, options),
    };
    const waits: number[] = [];
    const notices: string[] = [];
    const client = new HttpClient(limited, {
      sleep: async (ms) => {
        waits.push(ms);
      },
      notice: (text) => notices.push(text),
    });
    await expect(client.up('alpha', {})).rejects.toBe(refused);
    // A Retry-After the error carries is the wait; five refusals are asked again, the sixth is shown.
    expect(waits).toEqual([2000, 2000, 2000, 2000, 2000]);
    expect(notices.map((n) => n.match(/\(\d of 5\)/)?.[0])).toEqual([
      '(1 of 5)',
      '(2 of 5)',
      '(3 of 5)',
      '(4 of 5)',
      '(5 of 5)',
    ]);
  });
});
