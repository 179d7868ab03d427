import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONTAINERS, TableStacks } from '../../test/support/control.js';
import { makeWorkspace } from '../../test/support/http-app.js';
import { TestBrowser, webFixture } from '../../test/support/web-app.js';
import { EngineError } from '../engine/errors.js';
import { createWebApp } from './app.js';

// The stacks page (GET /): each stack's last deployment comes with the stack list, in one API call.

let f: Awaited<ReturnType<typeof webFixture>>;
/** The API calls the dashboard made (path and query), in order. */
const calls: string[] = [];
let browser: TestBrowser;

/** The engine is down: listing containers fails as the adapter reports it. */
class EngineDown extends TableStacks {
  override async ps(): Promise<never> {
    throw new EngineError('ENGINE_UNAVAILABLE', 'cannot reach the Docker engine');
  }
}

async function start(stacks = new TableStacks(CONTAINERS)) {
  f = await webFixture({ stacks });
  calls.length = 0;
  const web = createWebApp({
    api: async (request, env) => {
      const url = new URL(request.url);
      calls.push(`${url.pathname}${url.search}`);
      return f.api.fetch(request, env);
    },
  });
  browser = new TestBrowser((request) =>
    new URL(request.url).pathname.startsWith('/api/') ? f.api.fetch(request) : web.fetch(request),
  );
}
afterEach(() => f.close());

const deploy = (stack: string, status: 'succeeded' | 'failed' | 'rolled-back' | 'running') => {
  const d = f.store.deployments.create({ stack, trigger: 'api', plan: {} });
  return status === 'running' ? d : f.store.deployments.finish(d.id, status);
};

/** The page's row of one stack. */
const row = (html: string, stack: string): string =>
  new RegExp(`<tr data-stack="${stack}">.*?</tr>`, 's').exec(html)?.[0] ?? '';

async function stacksPage(username: string) {
  expect((await browser.login(username)).status).toBe(303);
  calls.length = 0;
  const page = await browser.get('/');
  expect(page.status).toBe(200);
  return page.text;
}

describe('the stacks page', () => {
  it('shows each stack’s latest outcome and when it ended, from one list call', async () => {
    await start();
    deploy('alpha', 'succeeded');
    deploy('beta', 'succeeded');
    deploy('alpha', 'failed');
    const alphaLast = deploy('alpha', 'rolled-back');
    const gammaRunning = deploy('gamma', 'running');
    const html = await stacksPage('viewer');
    const alpha = row(html, 'alpha');
    expect(alpha).toContain('data-outcome="rolled-back"');
    expect(alpha).toContain('rolled back');
    expect(alpha).toContain(`<time datetime="${alphaLast.finishedAt}"`);
    expect(alpha).not.toContain('data-outcome="failed"');
    expect(row(html, 'beta')).toContain('data-outcome="succeeded"');
    // Still running: the time shown is when it started.
    expect(row(html, 'gamma')).toContain(`<time datetime="${gammaRunning.startedAt}"`);
    expect(row(html, 'delta')).toMatch(/<td data-label="Last deployment">never<\/td>/);
    // Who is asking, the stacks with their last deployments, the containers: no call per stack.
    expect(calls.sort()).toEqual([
      '/api/v1/containers',
      '/api/v1/stacks?limit=200&include=last-deployment',
      '/api/v1/whoami',
    ]);
  });

  it('shows a per-stack operator the deployments of their stack only', async () => {
    await start();
    deploy('alpha', 'succeeded');
    deploy('beta', 'failed');
    const html = await stacksPage('alpha-operator');
    expect(row(html, 'alpha')).toContain('data-outcome="succeeded"');
    expect(html).not.toContain('data-stack="beta"');
    expect(html).not.toContain('data-outcome="failed"');
  });

  it('shows a completed one-shot and a service without a health check for what they are', async () => {
    const base = CONTAINERS.find((r) => r.stack === 'alpha' && r.service === 'web');
    if (!base) throw new Error('no alpha web in CONTAINERS');
    await start(
      new TableStacks([
        { ...base, health: 'healthy', status: 'Up 5 minutes (healthy)' },
        // alpha's worker as its files' one-shot (a migration): exited 0, as it is meant to.
        {
          ...base,
          service: 'worker',
          name: 'alpha-worker-1',
          id: 'id-alpha-worker',
          state: 'exited',
          status: 'completed (exit code 0)',
          exitCode: 0,
          oneShot: true,
        },
        // beta's api runs without a health check: Berth cannot say it is healthy.
        { ...base, stack: 'beta', service: 'api', name: 'beta-api-1', id: 'id-beta-api' },
      ]),
    );
    const html = await stacksPage('viewer');
    const alpha = row(html, 'alpha');
    expect(alpha).toContain('data-status="healthy"');
    expect(alpha).toContain('1 healthy, 1 completed');
    expect(alpha).not.toContain('partly running');
    expect(alpha).not.toContain('stopped');
    const beta = row(html, 'beta');
    expect(beta).toContain('data-status="running"');
    expect(beta).toMatch(/<span aria-hidden="true">▶<\/span> running<\/span>/);
    expect(beta).toContain('1 running (no health check)');
    expect(beta).not.toContain('healthy');
  });

  it('still lists the stacks and their deployments when the engine does not answer', async () => {
    await start(new EngineDown(CONTAINERS));
    deploy('alpha', 'succeeded');
    const html = await stacksPage('viewer');
    expect(html).toContain('Containers could not be read');
    expect(row(html, 'alpha')).toContain('data-outcome="succeeded"');
  });
});

describe('the stacks page when the workspace file does not load', () => {
  it('says the workspace cannot be read, where and what to do, instead of "no stacks"', async () => {
    const workspace = makeWorkspace();
    writeFileSync(join(workspace.root, 'berth.yaml'), 'stacks:\n  alpha: [path\n');
    f = await webFixture({ workspace });
    browser = f.browser();
    const html = await stacksPage('viewer');
    expect(html).toContain('data-workspace="unreadable"');
    expect(html).toContain(`the workspace ${workspace.root} cannot be read`);
    expect(html).toMatch(/berth\.yaml:\d+:\d+/);
    expect(html).toContain('fix the workspace file');
    expect(html).not.toContain('No stacks you may see');
  });
});
