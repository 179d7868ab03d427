// API benchmark: a real `berth serve` process managing a workspace of 20 stacks, loaded by autocannon
// with GET /api/v1/stacks at a fixed rate (viewer API token), and the process's resident memory
// (VmRSS) idle and after the load. It measures and prints; it never asserts.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import autocannon from 'autocannon';
import { CSRF_HEADER, SESSION_COOKIE } from '../src/server/context.js';
import { parseArgs, positiveInt } from './lib/args.js';
import { type ProcMemory, procCpuMs, procMemory, type ServeProcess, startServe } from './lib/serve.js';
import { formatTable } from './lib/table.js';
import type { BenchContext } from './lib/types.js';
import { writeBenchWorkspace } from './lib/workspace.js';

const USAGE = `usage: npm run bench -- api [--duration S] [--rate N] [--connections N] [--cpu-prof DIR]
  --duration S     seconds of load (default 20)
  --rate N         requests per second over all connections, autocannon overallRate (default 500)
  --connections N  keep-alive connections (default 10); autocannon sends each one's share of a
                   second's requests back to back at the start of the second
  --cpu-prof DIR   run the server with node --cpu-prof and write its profile to DIR (slows it down)
The server runs with its own state, workspace (20 stacks) and HOME in a temp folder, removed after.`;

const STACKS = 20;
const IDLE_MS = 5_000;
const GOAL_P99_MS = 10;
const GOAL_RSS_MB = 100;

/** Nearest-rank percentile of ascending `sorted` samples; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/** `name=value` of the named cookie among Set-Cookie header values. */
export function cookieFrom(setCookies: readonly string[], name: string): string | undefined {
  return setCookies.map((c) => c.split(';')[0]?.trim() ?? '').find((c) => c.startsWith(`${name}=`));
}

const mb = (kib: number): string => ((kib * 1024) / 1e6).toFixed(1);
const ms = (value: number): string => (Number.isFinite(value) ? value.toFixed(2) : '-');
const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');

async function call(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown },
  expect: number,
): Promise<{ json: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
  const text = await response.text();
  if (response.status !== expect) {
    throw new Error(`${init.method ?? 'GET'} ${url}: HTTP ${response.status} (wanted ${expect}): ${text}`);
  }
  return { json: JSON.parse(text) as Record<string, unknown>, headers: response.headers };
}

/** First-start setup, a session, then a viewer API token: the documented way, over HTTP. */
async function apiToken(base: string, stateDir: string): Promise<string> {
  const setupToken = readFileSync(join(stateDir, 'setup-token'), 'utf8').trim();
  const credentials = { username: 'bench', password: randomBytes(24).toString('base64url') };
  await call(`${base}/api/v1/setup`, { method: 'POST', body: { token: setupToken, ...credentials } }, 201);
  const login = await call(`${base}/api/v1/login`, { method: 'POST', body: credentials }, 200);
  const cookie = cookieFrom(login.headers.getSetCookie(), SESSION_COOKIE);
  const csrf = login.json.csrfToken;
  if (cookie === undefined || typeof csrf !== 'string')
    throw new Error('login: no session cookie or csrfToken');
  const created = await call(
    `${base}/api/v1/tokens`,
    {
      method: 'POST',
      headers: { cookie, [CSRF_HEADER]: csrf },
      body: { name: 'bench', role: 'viewer', expiresInDays: 1 },
    },
    201,
  );
  if (typeof created.json.token !== 'string') throw new Error('POST /api/v1/tokens: no token in the reply');
  return created.json.token;
}

interface Load {
  result: autocannon.Result;
  /** Per-request latencies of 2xx responses, ms, ascending (autocannon's own, uncorrected). */
  latencies: number[];
}

function load(url: string, token: string, o: { rate: number; duration: number; connections: number }) {
  return new Promise<Load>((resolve, reject) => {
    const latencies: number[] = [];
    const options: autocannon.Options = {
      url,
      headers: { authorization: `Bearer ${token}` },
      overallRate: o.rate,
      duration: o.duration,
      connections: o.connections,
    };
    const instance = autocannon(options, (error: unknown, result: autocannon.Result) => {
      if (error) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve({ result, latencies: latencies.sort((a, b) => a - b) });
    });
    instance.on('response', (_client, status, _bytes, time) => {
      if (status >= 200 && status < 300) latencies.push(time);
    });
  });
}

export async function run(args: readonly string[], ctx: BenchContext): Promise<number> {
  const parsed = parseArgs(args, {
    flags: ['--help'],
    values: ['--duration', '--rate', '--connections', '--cpu-prof'],
  });
  const duration = positiveInt(parsed.values.get('--duration'), 20);
  const rate = positiveInt(parsed.values.get('--rate'), 500);
  const connections = positiveInt(parsed.values.get('--connections'), 10);
  if (parsed.flags.has('--help')) {
    ctx.out(USAGE);
    return 0;
  }
  if (parsed.unknown.length > 0 || parsed.positional.length > 0 || !duration || !rate || !connections) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (!existsSync('/proc/self/status')) {
    process.stderr.write('bench api: reads memory from /proc/<pid>/status, which needs Linux\n');
    return 1;
  }
  const root = mkdtempSync(join(tmpdir(), 'berth-bench-api-'));
  const dirs = { ws: join(root, 'ws'), state: join(root, 'state'), home: join(root, 'home') };
  for (const dir of Object.values(dirs)) mkdirSync(dir);
  writeBenchWorkspace(dirs.ws, STACKS);
  const cpuProf = parsed.values.get('--cpu-prof');
  let server: ServeProcess | undefined;
  try {
    server = await startServe({
      repoRoot: ctx.repoRoot,
      env: {
        PATH: ctx.env.PATH ?? '/usr/bin:/bin',
        HOME: dirs.home,
        BERTH_STATE_DIR: dirs.state,
        BERTH_WORKSPACE: dirs.ws,
      },
      nodeArgs: cpuProf === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`],
    });
    return await measure(ctx, server, { dirs, duration, rate, connections, profiled: cpuProf !== undefined });
  } catch (error: unknown) {
    process.stderr.write(`bench api: ${error instanceof Error ? error.message : String(error)}\n`);
    if (server) process.stderr.write(`server output (tail):\n${server.tail().trim()}\n`);
    return 1;
  } finally {
    await server?.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

async function measure(
  ctx: BenchContext,
  server: ServeProcess,
  o: {
    dirs: { ws: string; state: string };
    duration: number;
    rate: number;
    connections: number;
    profiled: boolean;
  },
): Promise<number> {
  const fromSources = !existsSync(join(ctx.repoRoot, 'dist', 'cli', 'main.js'));
  const startup = procMemory(server.pid);
  const token = await apiToken(server.url, o.dirs.state);

  // The warm-up request, and the check that the server sees the whole workspace.
  const stacksUrl = `${server.url}/api/v1/stacks`;
  const first = await call(`${stacksUrl}?limit=100`, { headers: { authorization: `Bearer ${token}` } }, 200);
  const items = Array.isArray(first.json.items)
    ? (first.json.items as { valid?: unknown; services?: unknown }[])
    : [];
  const valid = items.filter((s) => s.valid === true).length;
  if (items.length !== STACKS || valid !== STACKS) {
    throw new Error(
      `GET /api/v1/stacks?limit=100 lists ${items.length} stacks (${valid} valid), not the ${STACKS} written to ${o.dirs.ws}`,
    );
  }
  const services = items.reduce((sum, s) => sum + (typeof s.services === 'number' ? s.services : 0), 0);
  await delay(IDLE_MS);
  const idle = procMemory(server.pid);

  const cannonVersion = (
    JSON.parse(readFileSync(join(ctx.repoRoot, 'node_modules', 'autocannon', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  ctx.out(`workspace ${STACKS} stacks, ${services} services (berth.yaml catalog) in ${o.dirs.ws}`);
  ctx.out(
    `server    node bin/berth.js serve, pid ${server.pid}, ${server.url}; ${fromSources ? 'from src via tsx (RSS includes the tsx loader)' : 'from dist'}; node ${process.version}`,
  );
  ctx.out(
    `load      GET /api/v1/stacks, viewer API token: ${o.rate} req/s for ${o.duration} s over ${o.connections} connections (autocannon ${cannonVersion}, in this process)`,
  );
  if (o.profiled) ctx.out('note      the server runs with --cpu-prof: latency and memory are not comparable');
  ctx.out('');

  const cpuBefore = procCpuMs(server.pid);
  const { result, latencies } = await load(stacksUrl, token, o);
  const cpuMs = procCpuMs(server.pid) - cpuBefore;
  const after = procMemory(server.pid);

  const p = (q: number) => percentile(latencies, q);
  const achieved = result.duration > 0 ? result.requests.total / result.duration : Number.NaN;
  const rows: string[][] = [
    ['latency p50', `${ms(p(50))} ms`, ''],
    ['latency p90', `${ms(p(90))} ms`, ''],
    ['latency p99', `${ms(p(99))} ms`, `< ${GOAL_P99_MS} ms: ${verdict(p(99) < GOAL_P99_MS)}`],
    ['latency max', `${ms(latencies.at(-1) ?? Number.NaN)} ms`, ''],
    ['achieved rate', `${achieved.toFixed(1)} req/s`, `of ${o.rate} asked`],
    ['responses', `${result.requests.total}`, `${result['2xx']} 2xx`],
    ['non-2xx', `${result.non2xx}`, ''],
    ['errors', `${result.errors}`, `${result.timeouts} of them timeouts`],
    [
      'server CPU',
      `${(cpuMs / 1000).toFixed(1)} s`,
      `${((100 * cpuMs) / (result.duration * 1000)).toFixed(0)}% of one core; ${ms(cpuMs / result.requests.total)} ms per response`,
    ],
    ...memoryRows(startup, idle, after),
  ];
  ctx.out(formatTable(['measure', 'value', 'goal / note'], rows, ['left', 'right', 'left']));
  ctx.out('');
  ctx.out(
    "latency: per request from autocannon's response events (2xx only), write to last byte, not corrected for coordinated omission.",
  );
  if (achieved < 0.95 * o.rate) {
    ctx.out(
      `the server kept up with ${((100 * achieved) / o.rate).toFixed(0)}% of the asked rate: these are the latencies of the requests autocannon could send; at ${o.rate} req/s a queue would grow without bound.`,
    );
  }
  ctx.out('RSS: VmRSS of the server process from /proc/<pid>/status; 1 MB = 10^6 bytes.');
  return 0;
}

function memoryRows(startup: ProcMemory, idle: ProcMemory, after: ProcMemory): string[][] {
  return [
    ['RSS after startup', `${mb(startup.rssKiB)} MB`, 'listening, no request yet'],
    [
      'RSS idle',
      `${mb(idle.rssKiB)} MB`,
      `< ${GOAL_RSS_MB} MB: ${verdict((idle.rssKiB * 1024) / 1e6 < GOAL_RSS_MB)} (setup, login, token, 1 request, ${IDLE_MS / 1000} s idle)`,
    ],
    [
      'RSS after load',
      `${mb(after.rssKiB)} MB`,
      `< ${GOAL_RSS_MB} MB: ${verdict((after.rssKiB * 1024) / 1e6 < GOAL_RSS_MB)}`,
    ],
    ['peak RSS (VmHWM)', `${mb(after.hwmKiB)} MB`, 'since the process started'],
  ];
}
