import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { CONTRAST_SCRIPT, LABELS_SCRIPT, LIVE_EVENTS_SCRIPT } from './web-checks.js';

// Debian's chromium driven by playwright-core (no browser download): launch, page checks that run
// offline (labels, accessible names, WCAG contrast, horizontal scroll) and screenshots for docs/.

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where `.ci/run` installs it (apt `chromium`). */
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = join(repoRoot, 'docs', 'screenshots');
export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 375, height: 740 } as const;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking'],
  });
}

/** A fresh context (no cookies) on the server, and a page in it. */
export async function openPage(
  browser: Browser,
  baseURL: string,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, viewport, colorScheme: 'light' });
  return { context, page: await context.newPage() };
}

/** Logs in through the login form and waits for the stacks page. */
export async function logIn(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  const alert = page.getByRole('alert');
  await Promise.race([page.waitForURL((url) => url.pathname === '/'), alert.waitFor()]);
  if (new URL(page.url()).pathname !== '/')
    throw new Error(`logging in as ${username} failed: ${(await alert.textContent())?.trim()}`);
}

/** Inputs without a label and buttons or links without an accessible name, one line each. */
export async function labelProblems(page: Page): Promise<string[]> {
  return (await page.evaluate(LABELS_SCRIPT)) as string[];
}

/**
 * Visible text whose WCAG 2 contrast against its (composited) background is below 4.5:1, or 3:1
 * for large text, one line each. Text over a background image is skipped.
 */
export async function contrastProblems(page: Page): Promise<string[]> {
  return (await page.evaluate(CONTRAST_SCRIPT)) as string[];
}

/** How many CSS pixels the page is wider than its viewport (0: no horizontal scroll). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return (await page.evaluate(
    '(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - document.documentElement.clientWidth)()',
  )) as number;
}

/**
 * From the first document on, records `#events > li` counts as they change after DOMContentLoaded,
 * each with whether `#outcome` already had a final `data-outcome` (see `liveLines`).
 */
export async function watchLiveEvents(page: Page): Promise<void> {
  await page.addInitScript(LIVE_EVENTS_SCRIPT);
}

export interface LiveLines {
  /** `#events > li` when the document was parsed. */
  readonly atLoad: number;
  /** The most lines seen after the load while the outcome was still open. */
  readonly beforeOutcome: number;
}

export async function liveLines(page: Page): Promise<LiveLines> {
  return (await page.evaluate('window.__berthLive')) as LiveLines;
}

/** Tabs from the top of the page `count` times; the id, or role and name, of each focused element. */
export async function tabOrder(page: Page, count: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    seen.push(
      (await page.evaluate(`(() => {
        const e = document.activeElement;
        if (!e || e === document.body) return '';
        if (e.id) return '#' + e.id;
        return e.tagName.toLowerCase() + ':' + (e.textContent || e.value || '').trim();
      })()`)) as string,
    );
  }
  return seen;
}

/** Writes docs/screenshots/<name>.png (the viewport only, `mask` painted over) and returns its size. */
export async function screenshot(page: Page, name: string, mask: readonly string[] = []): Promise<number> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({
    path,
    type: 'png',
    animations: 'disabled',
    caret: 'hide',
    mask: mask.map((selector) => page.locator(selector)),
    maskColor: '#d0d4da',
  });
  return statSync(path).size;
}
