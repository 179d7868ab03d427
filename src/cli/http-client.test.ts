import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { type ControlToken, controlFixture } from '../../test/support/control.js';
import { DeployError } from '../deploy/errors.js';
import type { DeployEvent } from '../deploy/events.js';
import { ApiConnection, ApiRequestError } from './api.js';
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
  const client = new HttpClient(new ApiConnection({ url, token }), async () => {});
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
    const result = await new HttpClient(flaky, async () => {}).up('alpha', {
      onEvent: (e) => seen.push(e.message),
    });
    expect(result.outcome).toBe('succeeded');
    expect(seen).toEqual(['deploying alpha: web', 'web is healthy']);
  });
});
