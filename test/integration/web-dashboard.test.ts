import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contrastProblems,
  horizontalOverflow,
  labelProblems,
  launchChromium,
  logIn,
  openPage,
  PHONE,
  screenshot,
  tabOrder,
} from '../support/web-browser.js';
import { type WebWorkspace, writeWebWorkspace } from '../support/web-stacks.js';
import { type ControlHarness, startControl } from './control/support.js';
import { freePort } from './engine/support.js';

// Issue 15 in a real browser: `berth serve` as a process with examples/force1 deployed through the
// API, Debian's chromium driven by playwright-core. Logging in, the stacks and stack pages, the
// account page, a viewer's read-only view, a phone's width and logging out; the screenshots under
// docs/screenshots are written once each page's assertions hold.

let h: ControlHarness;
let browser: Browser;
let dir: string;
let ws: WebWorkspace;
const dbPassword = `planted-db-${randomBytes(8).toString('hex')}`;
const viewer = { username: 'viewer', password: `viewer-${randomBytes(12).toString('base64url')}` };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'berth-web-ws-'));
  ws = writeWebWorkspace(dir, randomBytes(3).toString('hex'));
  h = await startControl({
    workspace: dir,
    env: { DB_PASSWORD: dbPassword, WEB_PORT: String(await freePort()) },
  });
  const up = await h.cli(['up', ws.force1]);
  expect(up.code, up.stdout + up.stderr).toBe(0);
  const created = await h.fetchText('/api/v1/users', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...viewer, grants: [{ role: 'viewer' }] }),
  });
  expect(created.status, created.body).toBe(201);
  browser = await launchChromium();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  if (h) await h.cli(['down', ws.force1, '--volumes']).catch(() => undefined);
  await h?.stop();
  h?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 300_000);

const admin = () => ({ username: 'root', password: h.adminPassword });

/** Labels, names and contrast of the page as it is now: none may be missing or too faint. */
async function accessible(page: Page): Promise<void> {
  expect(await labelProblems(page), page.url()).toEqual([]);
  expect(await contrastProblems(page), page.url()).toEqual([]);
}

async function adminPage(): Promise<Page> {
  const { page } = await openPage(browser, h.server.url);
  const { username, password } = admin();
  await logIn(page, username, password);
  return page;
}

describe('the web dashboard in chromium', () => {
  it('sends a visitor to a login form whose fields Tab reaches, and refuses a wrong password', async () => {
    const { page, context } = await openPage(browser, h.server.url);
    await page.goto('/');
    expect(new URL(page.url()).pathname).toBe('/login');
    await accessible(page);
    const order = await tabOrder(page, 8);
    const [user, pass, button] = ['#username', '#password', 'button:Log in'].map((f) => order.indexOf(f));
    expect(
      [user, pass, button].every((i) => i !== undefined && i >= 0),
      order.join(' '),
    ).toBe(true);
    expect(user ?? 0).toBeLessThan(pass ?? 0);
    expect(pass ?? 0).toBeLessThan(button ?? 0);
    await page.goto('/login');
    await screenshot(page, 'login');

    await page.getByLabel('Username').fill('nobody');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  });

  it('shows an admin the stacks, force1 healthy, and every admin link', { timeout: 90_000 }, async () => {
    const page = await adminPage();
    expect((await page.locator('h1').textContent())?.trim()).toBe('Stacks');
    const row = page.locator(`tr[data-stack="${ws.force1}"]`);
    const status = row.locator('[data-status]');
    // Health checks report on their own interval: a status other than healthy may need a reload.
    for (let i = 0; i < 30 && (await status.getAttribute('data-status')) !== 'healthy'; i++) {
      await page.waitForTimeout(2_000);
      await page.reload();
    }
    expect(`${await status.getAttribute('data-status')}: ${await status.textContent()}`).toMatch(
      /^healthy: .*healthy/,
    );
    expect(await row.locator('td').first().locator('a').getAttribute('href')).toBe(`/stacks/${ws.force1}`);
    // Never deployed: nothing runs.
    expect(['stopped', 'unknown']).toContain(
      await page.locator(`tr[data-stack="${ws.notes}"] [data-status]`).getAttribute('data-status'),
    );
    for (const name of ['Stacks', 'Audit log', 'Users', 'Account'])
      expect(await page.getByRole('link', { name, exact: true }).count(), name).toBeGreaterThan(0);
    expect(await page.getByRole('button', { name: 'Log out' }).count()).toBe(1);
    await accessible(page);
    await screenshot(page, 'stacks');
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await contrastProblems(page), 'dark colour scheme').toEqual([]);
    await page.context().close();
  });

  it('shows force1’s services, plan, deployments, logs and findings with the operator buttons', async () => {
    const page = await adminPage();
    await page.getByRole('link', { name: ws.force1, exact: true }).first().click();
    await page.waitForURL((url) => url.pathname === `/stacks/${ws.force1}`);
    expect((await page.locator('h1').textContent())?.trim()).toBe(ws.force1);
    // The Probes panel appears once the monitor has the stack's probes (it starts them after the
    // deploy): a reload may be needed, as for health above.
    for (let i = 0; i < 30 && (await page.locator('h2', { hasText: 'Probes' }).count()) === 0; i++) {
      await page.waitForTimeout(500);
      await page.reload();
    }
    const sections = await page.locator('h2').allTextContents();
    for (const name of ['Services', 'Plan', 'Deployments', 'Logs', 'Findings', 'Jobs', 'Backups', 'Probes'])
      expect(
        sections.map((s) => s.trim()),
        name,
      ).toContain(name);
    for (const service of ['web', 'worker', 'cron', 'db', 'redis'])
      expect(
        await page.locator(`tr[data-service="${service}"] [data-status]`).getAttribute('data-status'),
      ).toBe('healthy');
    expect(await page.locator('li[data-deployment][data-outcome="succeeded"]').count()).toBeGreaterThan(0);
    for (const name of ['Deploy', 'Restart', 'Down'])
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(1);
    expect(await page.content()).not.toContain(dbPassword);
    await accessible(page);
    await screenshot(page, 'stack');
    await page.context().close();
  });

  it('makes an API token on the account page, shown once, that works until it is revoked', async () => {
    const page = await adminPage();
    await page.getByRole('link', { name: 'Account', exact: true }).click();
    await page.waitForURL((url) => url.pathname === '/account');
    await accessible(page);
    const name = `browser-${randomBytes(3).toString('hex')}`;
    const nameField = page.getByLabel('Name', { exact: true });
    if ((await nameField.count()) > 0) await nameField.fill(name);
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = ((await page.locator('#new-token code').textContent()) ?? '').trim();
    expect(secret.length).toBeGreaterThan(20);
    const stacks = await h.fetchText('/api/v1/stacks', { token: secret });
    expect(stacks.status).toBe(200);
    await screenshot(page, 'account', ['#new-token p:has(> code)']);
    // A reload asks the server for the page again (a GET: no second token) and shows the value no more.
    await page.reload();
    await page.locator('#token-gone').waitFor();
    expect(await page.content()).not.toContain(secret);

    await page.goto('/account');
    expect(await page.locator('#new-token').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    const revoke = page.getByRole('row', { name: new RegExp(name) }).getByRole('button', { name: 'Revoke' });
    await ((await revoke.count()) > 0 ? revoke : page.getByRole('button', { name: 'Revoke' }).last()).click();
    await page.waitForLoadState();
    expect((await h.fetchText('/api/v1/stacks', { token: secret })).status).toBe(401);
    await page.context().close();
  });

  it('shows a viewer no operator buttons and refuses the viewer’s forged deploy', async () => {
    // The deploy form an admin is shown: where it posts, without confirming it.
    const adminView = await adminPage();
    await adminView.goto(`/stacks/${ws.force1}`);
    await adminView.getByRole('button', { name: 'Deploy', exact: true }).click();
    await adminView.waitForURL((url) => url.pathname === `/stacks/${ws.force1}/confirm/up`);
    const confirm = adminView.locator('form', {
      has: adminView.getByRole('button', { name: 'Confirm deploy' }),
    });
    const action = new URL((await confirm.getAttribute('action')) ?? adminView.url(), adminView.url())
      .pathname;
    await adminView.context().close();

    const { page, context } = await openPage(browser, h.server.url);
    await logIn(page, viewer.username, viewer.password);
    await page.locator(`tr[data-stack="${ws.force1}"]`).waitFor();
    for (const name of ['Users', 'Audit log'])
      expect(await page.getByRole('link', { name, exact: true }).count(), name).toBe(0);
    await page.goto(`/stacks/${ws.force1}`);
    expect((await page.locator('h1').textContent())?.trim()).toBe(ws.force1);
    for (const name of ['Deploy', 'Restart', 'Down'])
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    expect((await page.locator('h2').allTextContents()).map((s) => s.trim())).not.toContain('Logs');
    await accessible(page);

    const deployments = async () =>
      (
        JSON.parse((await h.fetchText(`/api/v1/stacks/${ws.force1}/deployments`)).body) as {
          items: unknown[];
        }
      ).items.length;
    const before = await deployments();
    // The viewer's own CSRF token (from the logout form), so only the role can refuse it.
    const csrf = await page.locator('input[type="hidden"][name="csrf"]').first().getAttribute('value');
    const forged = await page.request.post(action, { form: { csrf: csrf ?? '' }, maxRedirects: 0 });
    // The refusal's page is a GET the POST redirects to (a reload does not send the form again).
    expect(forged.status()).toBe(303);
    const refusal = await page.request.get(forged.headers().location ?? '');
    expect([refusal.status(), await refusal.text()]).toEqual([403, expect.stringContaining('operator role')]);
    expect(await deployments()).toBe(before);
    await context.close();
  });

  it('fits a 375 px phone: no sideways scroll on the stacks page or a stack page', async () => {
    const { page, context } = await openPage(browser, h.server.url, PHONE);
    await logIn(page, admin().username, admin().password);
    await page.locator(`tr[data-stack="${ws.force1}"]`).waitFor();
    expect(await horizontalOverflow(page), 'stacks page').toBe(0);
    await screenshot(page, 'stacks-phone');
    await page.goto(`/stacks/${ws.force1}`);
    expect(await horizontalOverflow(page), 'stack page').toBe(0);
    await context.close();
  });

  it('logs out to the login page, after which the pages ask for a login again', async () => {
    const page = await adminPage();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL((url) => url.pathname === '/login');
    await page.goto(`/stacks/${ws.force1}`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.context().close();
  });
});
