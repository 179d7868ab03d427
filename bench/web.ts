// Web dashboard benchmark: a real `berth serve` (the checkout's bin/berth.js) over a workspace of 50
// stacks (nothing deployed, or --deployments N recorded per stack), logged in through its login form
// in Debian's chromium. It measures the stacks page (GET /): response time over loopback and server
// CPU per response, beside the JSON API call listing the same stacks (the peer: the page is that list
// rendered); the bytes a cold load transfers; and chromium's first paint. It measures and prints; it
// never asserts.

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Browser, Cookie } from 'playwright-core';
import { SESSION_COOKIE } from '../src/api/http.js';
import { CHROMIUM, launchChromium, openPage } from '../test/support/web-browser.js';
import { recordDeployments } from '../test/support/web-deployments.js';
import { call, cookieFrom } from './lib/api-token.js';
import { parseArgs, positiveInt } from './lib/args.js';
import { type BenchFigure, figuresTable, writeResults } from './lib/results.js';
import { procCpuMs, type ServeProcess, startServe } from './lib/serve.js';
import { percentile } from './lib/stats.js';
import type { BenchContext } from './lib/types.js';
import { stackName, writeBenchWorkspace } from './lib/workspace.js';

const USAGE = `usage: npm run bench -- web [--requests N] [--loads N] [--deployments N]
  --requests N  sequential GETs of the stacks page, and of its API peer, over one keep-alive connection (default 200)
  --loads N     cold page loads in chromium (a new browser context each), for paint and bytes (default 10)
  --deployments N  finished deployments recorded per stack before the server starts (default none)
The server runs with its own state, workspace (50 stacks) and HOME in a temp folder, removed after.`;

const STACKS = 50;
const WARMUP = 20;
const GOAL_SERVER_MS = 20;
const GOAL_KB = 60;
const GOAL_PAINT_MS = 500;

interface Timing {
  p50: number;
  p95: number;
  cpuMs: number;
  bytes: number;
}

/** One GET over `agent`; resolves with the body's bytes as sent (no decompression) and the time to its last byte. */
function get(
  agent: Agent,
  url: string,
  headers: Record<string, string>,
): Promise<{ ms: number; bytes: number; status: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const req = request(url, { agent, headers }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => resolve({ ms: performance.now() - start, bytes, status: res.statusCode ?? 0 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function timeGets(
  server: ServeProcess,
  path: string,
  headers: Record<string, string>,
  n: number,
): Promise<Timing> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const url = `${server.url}${path}`;
    for (let i = 0; i < WARMUP; i++) await get(agent, url, headers);
    const samples: number[] = [];
    let bytes = 0;
    const cpuBefore = procCpuMs(server.pid);
    for (let i = 0; i < n; i++) {
      const r = await get(agent, url, headers);
      if (r.status !== 200) throw new Error(`GET ${path}: HTTP ${r.status}`);
      samples.push(r.ms);
      bytes = r.bytes;
    }
    const cpuMs = (procCpuMs(server.pid) - cpuBefore) / n;
    samples.sort((a, b) => a - b);
    return { p50: percentile(samples, 50), p95: percentile(samples, 95), cpuMs, bytes };
  } finally {
    agent.destroy();
  }
}

interface PageLoad {
  firstPaint: number;
  firstContentfulPaint: number;
  /** Navigation plus every resource, as chromium counts them (headers and encoded bodies). */
  transferred: number;
  document: number;
}

// Waits (up to 5 s) for the first contentful paint: the load event may come before anything is painted.
const LOAD_SCRIPT = `new Promise((resolve) => {
  const report = () => {
    const paint = Object.fromEntries(performance.getEntriesByType('paint').map((e) => [e.name, e.startTime]));
    const nav = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource').reduce((sum, r) => sum + r.transferSize, 0);
    resolve({
      firstPaint: paint['first-paint'] ?? -1,
      firstContentfulPaint: paint['first-contentful-paint'] ?? -1,
      transferred: nav.transferSize + resources,
      document: nav.transferSize,
    });
  };
  new PerformanceObserver((list) => {
    if (list.getEntries().some((e) => e.name === 'first-contentful-paint')) report();
  }).observe({ type: 'paint', buffered: true });
  setTimeout(report, 5000);
})`;

async function coldLoads(browser: Browser, base: string, cookies: Cookie[], n: number): Promise<PageLoad[]> {
  const loads: PageLoad[] = [];
  for (let i = 0; i < n; i++) {
    const { context, page } = await openPage(browser, base);
    await context.addCookies(cookies);
    await page.goto('/', { waitUntil: 'load' });
    loads.push((await page.evaluate(LOAD_SCRIPT)) as PageLoad);
    await context.close();
  }
  return loads;
}

const median = (values: readonly number[]): number =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const ms = (v: number): string => `${v.toFixed(2)} ms`;
const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} KB`;

export async function run(args: readonly string[], ctx: BenchContext): Promise<number> {
  const parsed = parseArgs(args, { flags: ['--help'], values: ['--requests', '--loads', '--deployments'] });
  if (parsed.flags.has('--help')) {
    ctx.out(USAGE);
    return 0;
  }
  const requests = positiveInt(parsed.values.get('--requests'), 200);
  const loads = positiveInt(parsed.values.get('--loads'), 10);
  const deployments = positiveInt(parsed.values.get('--deployments'), 0);
  const bad = parsed.unknown.length > 0 || parsed.positional.length > 0;
  if (bad || !requests || !loads || deployments === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const root = mkdtempSync(join(tmpdir(), 'berth-bench-web-'));
  let server: ServeProcess | undefined;
  let browser: Browser | undefined;
  try {
    const dirs = { ws: join(root, 'ws'), state: join(root, 'state'), home: join(root, 'home') };
    for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
    writeBenchWorkspace(dirs.ws, STACKS);
    const names = Array.from({ length: STACKS }, (_, i) => stackName(i + 1));
    recordDeployments(dirs.state, names, deployments);
    const history = deployments > 0 ? `${deployments} deployments recorded per stack` : 'none deployed';
    server = await startServe({
      repoRoot: ctx.repoRoot,
      env: {
        PATH: ctx.env.PATH ?? '/usr/bin:/bin',
        HOME: dirs.home,
        BERTH_STATE_DIR: dirs.state,
        BERTH_WORKSPACE: dirs.ws,
      },
    });
    const admin = { username: 'bench', password: randomBytes(24).toString('base64url') };
    const token = readFileSync(join(dirs.state, 'setup-token'), 'utf8').trim();
    await call(`${server.url}/api/v1/setup`, { method: 'POST', body: { token, ...admin } }, 201);

    // The session of the API's login is the dashboard's: its cookie is all a GET of a page needs.
    const login = await call(`${server.url}/api/v1/login`, { method: 'POST', body: admin }, 200);
    const session = cookieFrom(login.headers.getSetCookie(), SESSION_COOKIE);
    if (session === undefined) throw new Error('POST /api/v1/login: no session cookie');
    const [name = '', value = ''] = session.split(/=(.*)/s);
    const cookies: Cookie[] = [
      {
        name,
        value,
        domain: '127.0.0.1',
        path: '/',
        expires: -1,
        httpOnly: true,
        secure: false,
        sameSite: 'Strict',
      },
    ];
    browser = await launchChromium();
    const { context, page } = await openPage(browser, server.url);
    await context.addCookies(cookies);
    await page.goto('/');
    const rows = await page.locator('tr[data-stack]').count();
    if (rows !== STACKS)
      throw new Error(`the stacks page shows ${rows} stacks, not the ${STACKS} written to ${dirs.ws}`);
    const outcomes = await page.locator('tr[data-stack] [data-outcome]').count();
    if (outcomes !== (deployments > 0 ? STACKS : 0))
      throw new Error(`the stacks page shows ${outcomes} last deployments (${history})`);
    await context.close();
    const headers = {
      cookie: cookies.map((c) => `${c.name}=${c.value}`).join('; '),
      'accept-encoding': 'gzip, deflate, br, zstd',
      accept: 'text/html',
    };
    const pageTiming = await timeGets(server, '/', headers, requests);
    const apiTiming = await timeGets(
      server,
      `/api/v1/stacks?limit=${STACKS}`,
      { ...headers, accept: 'application/json' },
      requests,
    );
    const paints = await coldLoads(browser, server.url, cookies, loads);
    const version = (await browser.version()).trim();

    const fcp = median(paints.map((p) => p.firstContentfulPaint));
    const fp = median(paints.map((p) => p.firstPaint));
    const transferred = median(paints.map((p) => p.transferred));
    const figures: BenchFigure[] = [
      {
        figure: `stacks page (${STACKS} stacks${deployments > 0 ? `, ${deployments} deployments each` : ''}): response time p95, loopback`,
        value: ms(pageTiming.p95),
        goal: `< ${GOAL_SERVER_MS} ms`,
        met: pageTiming.p95 < GOAL_SERVER_MS,
      },
      { figure: 'stacks page: response time p50', value: ms(pageTiming.p50), goal: '' },
      {
        figure: 'stacks page: server CPU per response',
        value: ms(pageTiming.cpuMs),
        goal: `< ${GOAL_SERVER_MS} ms`,
        met: pageTiming.cpuMs < GOAL_SERVER_MS,
      },
      {
        figure: `peer GET /api/v1/stacks?limit=${STACKS}: response time p50`,
        value: `${ms(apiTiming.p50)} (page ${(pageTiming.p50 / apiTiming.p50).toFixed(1)}x)`,
        goal: '',
      },
      {
        figure: 'peer GET /api/v1/stacks: server CPU per response',
        value: `${ms(apiTiming.cpuMs)} (page ${(pageTiming.cpuMs / Math.max(apiTiming.cpuMs, 0.001)).toFixed(1)}x)`,
        goal: '',
      },
      {
        figure: 'stacks page: transferred, cold load (document + assets)',
        value: kb(transferred),
        goal: `< ${GOAL_KB} KB`,
        met: transferred < GOAL_KB * 1000,
      },
      {
        figure: 'stacks page: document body as sent',
        value: `${kb(pageTiming.bytes)} (API JSON ${kb(apiTiming.bytes)})`,
        goal: '',
      },
      {
        figure: 'chromium first contentful paint, median of cold loads',
        value: ms(fcp),
        goal: `< ${GOAL_PAINT_MS} ms`,
        met: fcp >= 0 && fcp < GOAL_PAINT_MS,
      },
      { figure: 'chromium first paint, median', value: ms(fp), goal: '' },
    ];
    ctx.out(
      `workspace ${STACKS} stacks (bench/lib/workspace.ts), ${history}; server: node bin/berth.js serve (${process.version})`,
    );
    ctx.out(
      `browser   ${CHROMIUM} ${version} through playwright-core, ${loads} cold loads (a new context each, logged-in cookies)`,
    );
    ctx.out(
      `requests  ${requests} sequential GETs each (after ${WARMUP} warm-up), one keep-alive connection, accept-encoding gzip, br`,
    );
    ctx.out('');
    ctx.out(figuresTable(figures));
    ctx.out('');
    ctx.out(
      'KB = 1000 bytes. Response time: request to last byte over loopback (client included); server CPU: user+system of the server process from /proc/<pid>/stat over the run, per response.',
    );
    ctx.out(`results   ${writeResults(ctx.repoRoot, 'web', figures)}`);
    return 0;
  } catch (error: unknown) {
    process.stderr.write(`bench web: ${error instanceof Error ? error.message : String(error)}\n`);
    if (server) process.stderr.write(`server output (tail):\n${server.tail().trim()}\n`);
    return 1;
  } finally {
    await browser?.close();
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  }
}
