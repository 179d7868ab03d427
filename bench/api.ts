// API benchmark: real `berth serve` processes (by default a fresh compiled build, as `npm run build`
// ships it) managing a workspace of 20 stacks, each loaded with GET /api/v1/stacks at a fixed rate
// (viewer API token) twice, by autocannon and by a steady pacer, and their resident memory (VmRSS)
// idle and after the load. Two servers run one after the other: node's default flags, and a smaller
// young generation. It measures and prints; it never asserts.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import autocannon from 'autocannon';
import { apiToken, call } from './lib/api-token.js';
import { parseArgs, positiveInt } from './lib/args.js';
import { buildBerth, type CompiledBerth } from './lib/build.js';
import { pacedLoad } from './lib/pace.js';
import { type ProcMemory, procCpuMs, procMemory, type ServeProcess, startServe } from './lib/serve.js';
import { type LoadStats, loadStats, percentile } from './lib/stats.js';
import { formatTable } from './lib/table.js';
import type { BenchContext } from './lib/types.js';
import { writeBenchWorkspace } from './lib/workspace.js';

const USAGE = `usage: npm run bench -- api [--duration S] [--rate N] [--connections N] [--from-sources] [--cpu-prof DIR]
  --duration S     seconds of each load, per server (default 15)
  --rate N         requests per second over all connections (default 500)
  --connections N  keep-alive connections (default 10)
  --from-sources   run node bin/berth.js (dist/ when built, else src through tsx) instead of
                   compiling the checkout into a temp folder with tsc -p tsconfig.build.json
  --cpu-prof DIR   run the servers with node --cpu-prof and write their profiles to DIR (slows them down)
Two servers, one after the other: node's defaults, then node --max-semi-space-size=1. Each gets,
after 5 s idle, a 2 s steady warm-up, autocannon's overallRate load, then a steady load (one
request every 1000/rate ms, bench/lib/pace.ts).
Each server runs with its own state, workspace (20 stacks) and HOME in a temp folder, removed after.`;

const STACKS = 20;
const IDLE_MS = 5_000;
const WARMUP_S = 2;
const GOAL_P99_MS = 10;
const GOAL_RSS_MB = 100;

/** The servers measured in one run: node flags added to every one (e.g. --cpu-prof) come first. */
export const VARIANTS: readonly { name: string; nodeArgs: readonly string[] }[] = [
  { name: 'node defaults', nodeArgs: [] },
  { name: '--max-semi-space-size=1', nodeArgs: ['--max-semi-space-size=1'] },
];

const toMB = (kib: number): number => (kib * 1024) / 1e6;
const mb = (kib: number): string => `${toMB(kib).toFixed(1)} MB`;
const ms = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)} ms` : '-');
const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');

interface Options {
  duration: number;
  rate: number;
  connections: number;
}

/** autocannon at overallRate; latencies are its own per-2xx response times, uncorrected. */
function cannon(url: string, headers: Record<string, string>, o: Options): Promise<LoadStats> {
  return new Promise<LoadStats>((resolve, reject) => {
    const latencies: number[] = [];
    const options: autocannon.Options = {
      url,
      headers,
      overallRate: o.rate,
      duration: o.duration,
      connections: o.connections,
    };
    const instance = autocannon(options, (error: unknown, r: autocannon.Result) => {
      if (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      const rate = r.duration > 0 ? r.requests.total / r.duration : Number.NaN;
      resolve(
        loadStats(
          latencies.sort((a, b) => a - b),
          rate,
          r.non2xx + r.errors,
        ),
      );
    });
    instance.on('response', (_client, status, _bytes, time) => {
      if (status >= 200 && status < 300) latencies.push(time);
    });
  });
}

interface Measured {
  name: string;
  startup: ProcMemory;
  idle: ProcMemory;
  after: ProcMemory;
  burst: LoadStats;
  steady: LoadStats;
  /** The pacer's own lateness, p99 of (send time - due time). */
  lagP99: number;
  cpuMsPerResponse: number;
  services: number;
}

/** How the servers are started: a temp compiled build, or the checkout's bin/berth.js. */
interface Launch {
  entry?: string;
  describe: string;
}

export async function run(args: readonly string[], ctx: BenchContext): Promise<number> {
  const parsed = parseArgs(args, {
    flags: ['--help', '--from-sources'],
    values: ['--duration', '--rate', '--connections', '--cpu-prof'],
  });
  const duration = positiveInt(parsed.values.get('--duration'), 15);
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
  const cpuProf = parsed.values.get('--cpu-prof');
  const profArgs = cpuProf === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`];
  const root = mkdtempSync(join(tmpdir(), 'berth-bench-api-'));
  let build: CompiledBerth | undefined;
  let server: ServeProcess | undefined;
  try {
    let launch: Launch;
    if (parsed.flags.has('--from-sources')) {
      const built = existsSync(join(ctx.repoRoot, 'dist', 'cli', 'main.js'));
      launch = {
        describe: `node bin/berth.js serve, ${built ? 'from dist/' : 'from src via tsx (RSS includes the tsx loader)'}`,
      };
    } else {
      build = await buildBerth(ctx.repoRoot);
      launch = {
        entry: build.entry,
        describe: `node ${build.entry} serve, compiled by tsc -p tsconfig.build.json in ${(build.ms / 1000).toFixed(1)} s (what npm run build ships)`,
      };
      if (build.diagnostics.length > 0) {
        ctx.out(
          `note      tsc reported ${build.diagnostics.length} type error(s), JavaScript emitted anyway:`,
        );
        for (const line of build.diagnostics.slice(0, 5)) ctx.out(`            ${line}`);
      }
    }
    const results: Measured[] = [];
    for (const [i, variant] of VARIANTS.entries()) {
      const dirs = {
        ws: join(root, `${i}`, 'ws'),
        state: join(root, `${i}`, 'state'),
        home: join(root, `${i}`, 'home'),
      };
      for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
      writeBenchWorkspace(dirs.ws, STACKS);
      server = await startServe({
        repoRoot: ctx.repoRoot,
        env: {
          PATH: ctx.env.PATH ?? '/usr/bin:/bin',
          HOME: dirs.home,
          BERTH_STATE_DIR: dirs.state,
          BERTH_WORKSPACE: dirs.ws,
        },
        ...(launch.entry === undefined ? {} : { entry: launch.entry }),
        nodeArgs: [...profArgs, ...variant.nodeArgs],
      });
      process.stderr.write(`bench api: ${variant.name}: pid ${server.pid}, ${server.url}\n`);
      results.push(await measure(server, variant.name, dirs, { duration, rate, connections }));
      await server.stop();
      server = undefined;
    }
    report(ctx, results, launch, { duration, rate, connections, profiled: cpuProf !== undefined });
    return 0;
  } catch (error: unknown) {
    process.stderr.write(`bench api: ${error instanceof Error ? error.message : String(error)}\n`);
    if (server) process.stderr.write(`server output (tail):\n${server.tail().trim()}\n`);
    return 1;
  } finally {
    await server?.stop();
    build?.remove();
    rmSync(root, { recursive: true, force: true });
  }
}

async function measure(
  server: ServeProcess,
  name: string,
  dirs: { ws: string; state: string },
  o: Options,
): Promise<Measured> {
  const startup = procMemory(server.pid);
  const token = await apiToken(server.url, dirs.state);
  const headers = { authorization: `Bearer ${token}` };

  // The warm-up request, and the check that the server sees the whole workspace.
  const stacksUrl = `${server.url}/api/v1/stacks`;
  const first = await call(`${stacksUrl}?limit=100`, { headers }, 200);
  const items = Array.isArray(first.json.items)
    ? (first.json.items as { valid?: unknown; services?: unknown }[])
    : [];
  const valid = items.filter((s) => s.valid === true).length;
  if (items.length !== STACKS || valid !== STACKS) {
    throw new Error(
      `GET /api/v1/stacks?limit=100 lists ${items.length} stacks (${valid} valid), not the ${STACKS} written to ${dirs.ws}`,
    );
  }
  const services = items.reduce((sum, s) => sum + (typeof s.services === 'number' ? s.services : 0), 0);
  await delay(IDLE_MS);
  const idle = procMemory(server.pid);

  // Both measured loads start on a warm server (JIT, caches), whichever comes first.
  await pacedLoad({ url: stacksUrl, headers, rate: o.rate, durationS: WARMUP_S, sockets: o.connections });
  const cpuBefore = procCpuMs(server.pid);
  const burst = await cannon(stacksUrl, headers, o);
  const paced = await pacedLoad({
    url: stacksUrl,
    headers,
    rate: o.rate,
    durationS: o.duration,
    sockets: o.connections,
  });
  const cpuMs = procCpuMs(server.pid) - cpuBefore;
  const after = procMemory(server.pid);
  const steady = loadStats(paced.latencies, paced.sendRate, paced.non2xx + paced.errors);
  const responses = burst.ok + burst.failed + paced.sent;
  const lagP99 = percentile(paced.lags, 99);
  return { name, startup, idle, after, burst, steady, lagP99, cpuMsPerResponse: cpuMs / responses, services };
}

function report(
  ctx: BenchContext,
  results: readonly Measured[],
  launch: Launch,
  o: Options & { profiled: boolean },
): void {
  const cannonVersion = (
    JSON.parse(readFileSync(join(ctx.repoRoot, 'node_modules', 'autocannon', 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  ctx.out(
    `workspace ${STACKS} stacks, ${results[0]?.services ?? 0} services (berth.yaml catalog), one per server`,
  );
  ctx.out(`server    ${launch.describe}; node ${process.version}`);
  ctx.out(
    `load      GET /api/v1/stacks, viewer API token: ${o.rate} req/s for ${o.duration} s, twice per server, over ${o.connections} keep-alive connections (in this process)`,
  );
  if (o.profiled) ctx.out('note      the servers run with --cpu-prof: latency and memory are not comparable');
  ctx.out('');

  const row = (label: string, cell: (m: Measured) => string, goal = ''): string[] => [
    label,
    ...results.map(cell),
    goal,
  ];
  const p99 = (s: LoadStats) => `${ms(s.p99)} ${verdict(s.p99 < GOAL_P99_MS)}`;
  const rssGoal = (kib: number) => `${mb(kib)} ${verdict(toMB(kib) < GOAL_RSS_MB)}`;
  const loadRows = (label: string, pick: (m: Measured) => LoadStats): string[][] => [
    row(`${label} p50`, (m) => ms(pick(m).p50)),
    row(`${label} p90`, (m) => ms(pick(m).p90)),
    row(`${label} p99`, (m) => p99(pick(m)), `< ${GOAL_P99_MS} ms`),
    row(`${label} max`, (m) => ms(pick(m).max)),
    row(`${label} rate`, (m) => `${pick(m).rate.toFixed(1)} req/s`, `of ${o.rate} asked`),
    row(`${label} 2xx / failed`, (m) => `${pick(m).ok} / ${pick(m).failed}`, 'failed: non-2xx, errors'),
  ];
  const rows = [
    row('RSS after startup', (m) => mb(m.startup.rssKiB), 'listening, no request yet'),
    row(
      'RSS idle',
      (m) => rssGoal(m.idle.rssKiB),
      `< ${GOAL_RSS_MB} MB (setup, token, 1 request, ${IDLE_MS / 1000} s)`,
    ),
    ...loadRows('autocannon', (m) => m.burst),
    ...loadRows('steady', (m) => m.steady),
    row('steady send lag p99', (m) => ms(m.lagP99), "the pacer's own lateness"),
    row('RSS after load', (m) => rssGoal(m.after.rssKiB), `< ${GOAL_RSS_MB} MB (warm-up and both loads)`),
    row('peak RSS before load', (m) => mb(m.idle.hwmKiB), 'VmHWM when idle (setup and login hash: argon2id)'),
    row('peak RSS after load', (m) => mb(m.after.hwmKiB), 'VmHWM after both loads'),
    row('server CPU', (m) => ms(m.cpuMsPerResponse), 'per response, both loads'),
  ];
  const headers = ['measure', ...results.map((m) => m.name), 'goal / note'];
  ctx.out(formatTable(headers, rows, ['left', ...results.map(() => 'right' as const), 'left']));
  ctx.out('');
  ctx.out(
    `autocannon ${cannonVersion} overallRate sends each connection's ${Math.floor(o.rate / o.connections)} requests of a second back to back when the second starts (no option spaces them): its percentiles include queueing a steady ${o.rate} req/s does not cause.`,
  );
  ctx.out(
    `steady: one request every ${(1000 / o.rate).toFixed(2)} ms on a fixed schedule (timers, open loop), latency from the request call to the last byte; autocannon: write to last byte. Neither corrects for coordinated omission.`,
  );
  for (const m of results) {
    for (const [label, s] of [
      ['autocannon', m.burst],
      ['steady', m.steady],
    ] as const) {
      if (s.rate < 0.95 * o.rate) {
        ctx.out(
          `${m.name}, ${label}: the server kept up with ${((100 * s.rate) / o.rate).toFixed(0)}% of the asked rate; a queue would grow without bound.`,
        );
      }
    }
  }
  ctx.out('RSS: VmRSS of the server process from /proc/<pid>/status; 1 MB = 10^6 bytes.');
}
