import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contrastProblems,
  labelProblems,
  launchChromium,
  liveLines,
  logIn,
  openPage,
  screenshot,
  watchLiveEvents,
} from '../support/web-browser.js';
import { type WebWorkspace, writeWebWorkspace } from '../support/web-stacks.js';
import { type ControlHarness, startControl } from './control/support.js';
import { freePort } from './engine/support.js';

// Deploying from the browser: Deploy → the confirm page with the plan → Confirm deploy → the
// operation page, whose lines arrive live (SSE) before its outcome. A change that succeeds, then a
// change whose healthcheck never passes: rolled back, with the reason, and the old version still runs.

let h: ControlHarness;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let dir: string;
let ws: WebWorkspace;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-web-ws-'));
  ws = writeWebWorkspace(dir, randomBytes(3).toString('hex'));
  h = await startControl({
    workspace: dir,
    env: { DB_PASSWORD: randomBytes(12).toString('hex'), WEB_PORT: String(await freePort()) },
  });
  const up = await h.cli(['up', ws.notes]);
  expect(up.code, up.stdout + up.stderr).toBe(0);
  browser = await launchChromium();
  ({ context, page } = await openPage(browser, h.server.url));
  await watchLiveEvents(page);
  await logIn(page, 'root', h.adminPassword);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  if (h) await h.cli(['down', ws.notes, '--volumes']).catch(() => undefined);
  await h?.stop();
  h?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 120_000);

/** What the notes stack's web server answers now, read inside its container. */
async function served(): Promise<string> {
  const run = await h.cli(['exec', ws.notes, 'web', '--', 'cat', '/www/index.html']);
  expect(run.code, run.stderr).toBe(0);
  return run.stdout.trim();
}

/** Deploy → Confirm deploy from the stack page; resolves on the operation page with its final outcome. */
async function deployFromBrowser(): Promise<string> {
  await page.goto(`/stacks/${ws.notes}`);
  await page.getByRole('button', { name: 'Deploy', exact: true }).click();
  await page.waitForURL((url) => url.pathname === `/stacks/${ws.notes}/confirm/up`);
  // The plan names the service it recreates.
  expect(await page.locator('main').textContent()).toContain('web');
  expect(await labelProblems(page)).toEqual([]);
  expect(await contrastProblems(page)).toEqual([]);
  await page.getByRole('button', { name: 'Confirm deploy' }).click();
  await page.waitForURL((url) => url.pathname.startsWith(`/stacks/${ws.notes}/operations/`));
  const outcome = page.locator('#outcome[data-outcome]:not([data-outcome=""]):not([data-outcome="running"])');
  await outcome.waitFor({ timeout: 120_000 });
  return (await outcome.getAttribute('data-outcome')) ?? '';
}

describe('deploying from the web dashboard', () => {
  it('shows a change’s lines live, then succeeded, and the new version runs', {
    timeout: 180_000,
  }, async () => {
    expect(await served()).toBe('first version');
    ws.writeNotes('second version', 'healthy');
    expect(await deployFromBrowser()).toBe('succeeded');
    const lines = await liveLines(page);
    // At least one line arrived over the stream after the page loaded, before the outcome.
    expect(lines.beforeOutcome, JSON.stringify(lines)).toBeGreaterThan(lines.atLoad);
    expect(await page.locator('#events > li').count()).toBeGreaterThan(1);
    expect(await served()).toBe('second version');
    expect(await labelProblems(page)).toEqual([]);
    expect(await contrastProblems(page)).toEqual([]);
    await screenshot(page, 'operation');
  });

  it('shows a deploy whose healthcheck never passes as rolled back, with the reason', {
    timeout: 180_000,
  }, async () => {
    ws.writeNotes('third version', 'never-healthy');
    expect(await deployFromBrowser()).toBe('rolled-back');
    expect(await page.locator('#outcome').textContent()).toMatch(/unhealthy/i);
    // The rollback put the previous containers back.
    expect(await served()).toBe('second version');
    await page.goto(`/stacks/${ws.notes}`);
    const latest = page.locator('li[data-deployment]').first();
    expect(await latest.getAttribute('data-outcome')).toBe('rolled-back');
    expect(await contrastProblems(page)).toEqual([]);
    await context.close();
  });
});
