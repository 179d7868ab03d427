// Health benchmark (issue 12): a real `berth serve` (by default a fresh compiled build) running N
// http probes every S seconds against a node:http server in this process, next to a bare Node
// peer firing the same GETs on its own timers. Over the same window: each one's CPU share, its
// scheduling lag (p50, p99, the highest bucket) and RSS, and the ratio Berth/peer. It measures and
// prints; it never asserts.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { connectEngine } from '../src/engine/index.js';
import { BerthLabel, type Engine } from '../src/engine/model.js';
import { apiToken } from './lib/api-token.js';
import { parseArgs, positiveInt } from './lib/args.js';
import { buildBerth, type CompiledBerth } from './lib/build.js';
import { removeLabelled } from './lib/engine.js';
import { histogramDelta, histogramOf, parseHistogram, samples, total } from './lib/health-metrics.js';
import { type PeerProcess, startPeer } from './lib/health-peer.js';
import { type HealthMeasure, healthReport } from './lib/health-report.js';
import {
  composeFile,
  deployLocal,
  PROBE_TIMEOUT_MS,
  probePlan,
  scrape,
  waitWatched,
} from './lib/health-stack.js';
import { startTarget, type Target } from './lib/health-target.js';
import { type ProcMemory, procCpuMs, procMemory, type ServeProcess, startServe } from './lib/serve.js';
import type { BenchContext } from './lib/types.js';

const USAGE = `usage: npm run bench -- health [--probes N] [--interval S] [--duration S] [--warmup S] [--from-sources]
  --probes N       http probes on one service (default 1000)
  --interval S     seconds between two runs of a probe, at least 2 (default 10)
  --duration S     seconds of the measured window (default 120)
  --warmup S       seconds between every probe watched and the window, 0 or more (default 15)
  --from-sources   run node bin/berth.js (dist/ when built, else src through tsx) instead of
                   compiling the checkout into a temp folder with tsc -p tsconfig.build.json
Deploys bench-health-<hex> (local/busybox:1, one sleeping container) with berth --local up, starts
berth serve on it, waits until GET /api/v1/health shows every probe watched, starts the peer (a
bare node script firing the same GETs on setInterval), warms up, then measures both over the same
window. Needs Linux (/proc) and the engine. The stack, its network and temp folders are removed after.`;

const LAG = 'berth_probe_schedule_lag_seconds';

interface Options {
  probes: number;
  intervalS: number;
  durationS: number;
  warmupS: number;
  fromSources: boolean;
}

function options(args: readonly string[]): Options | 'help' | undefined {
  const parsed = parseArgs(args, {
    flags: ['--help', '--from-sources'],
    values: ['--probes', '--interval', '--duration', '--warmup'],
  });
  if (parsed.flags.has('--help')) return 'help';
  const probes = positiveInt(parsed.values.get('--probes'), 1000);
  const intervalS = positiveInt(parsed.values.get('--interval'), 10);
  const durationS = positiveInt(parsed.values.get('--duration'), 120);
  const warmupText = parsed.values.get('--warmup');
  const warmupS = warmupText === '0' ? 0 : positiveInt(warmupText, 15);
  if (parsed.unknown.length > 0 || parsed.positional.length > 0) return undefined;
  if (!probes || probes > 10_000 || !intervalS || intervalS < 2 || !durationS || warmupS === undefined) {
    return undefined;
  }
  return { probes, intervalS, durationS, warmupS, fromSources: parsed.flags.has('--from-sources') };
}

export async function run(args: readonly string[], ctx: BenchContext): Promise<number> {
  const o = options(args);
  if (o === 'help') {
    ctx.out(USAGE);
    return 0;
  }
  if (o === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (!existsSync('/proc/self/stat')) {
    process.stderr.write('bench health: reads CPU and memory from /proc/<pid>, which needs Linux\n');
    return 1;
  }
  const root = mkdtempSync(join(tmpdir(), 'berth-bench-health-'));
  const stack = `bench-health-${randomBytes(3).toString('hex')}`;
  const log = (line: string) => process.stderr.write(`bench health: ${line}\n`);
  let engine: Engine | undefined;
  let target: Target | undefined;
  let build: CompiledBerth | undefined;
  let server: ServeProcess | undefined;
  let peer: PeerProcess | undefined;
  try {
    engine = await connectEngine({});
    target = await startTarget();
    let entry = join(ctx.repoRoot, 'bin', 'berth.js');
    let describe = `node bin/berth.js serve, ${existsSync(join(ctx.repoRoot, 'dist', 'cli', 'main.js')) ? 'from dist/' : 'from src via tsx (CPU and RSS include the tsx loader)'}`;
    if (!o.fromSources) {
      log('compiling Berth (untimed)…');
      build = await buildBerth(ctx.repoRoot);
      entry = build.entry;
      describe = `node <tmp>/berth.mjs serve, compiled by tsc -p tsconfig.build.json (what npm run build ships)`;
      if (build.diagnostics.length > 0)
        log(`tsc reported ${build.diagnostics.length} type error(s), emitted anyway`);
    }
    const dirs = { ws: join(root, 'ws'), state: join(root, 'state'), home: join(root, 'home') };
    for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
    mkdirSync(join(dirs.ws, stack));
    writeFileSync(
      join(dirs.ws, stack, 'compose.yaml'),
      composeFile(stack, target.url, o.probes, o.intervalS),
    );
    const env = { PATH: ctx.env.PATH ?? '/usr/bin:/bin', HOME: dirs.home, BERTH_STATE_DIR: dirs.state };
    log(`deploying ${stack} (${o.probes} probes)…`);
    const deployMs = await deployLocal(entry, root, dirs.ws, stack, { ...env, BERTH_LOG_LEVEL: 'warn' });
    server = await startServe({
      repoRoot: ctx.repoRoot,
      env: { ...env, BERTH_WORKSPACE: dirs.ws },
      ...(o.fromSources ? {} : { entry }),
    });
    const started = performance.now();
    const berthStartup = procMemory(server.pid);
    log(`berth serve pid ${server.pid} at ${server.url}; waiting for every probe to be watched…`);
    // GET /metrics needs admin.
    const token = await apiToken(server.url, dirs.state, 'admin');
    await waitWatched(server.url, token, stack, o.probes, 2 * o.intervalS * 1000 + 60_000);
    const watchedMs = performance.now() - started;
    const intervalMs = o.intervalS * 1000;
    const url = target.url;
    peer = await startPeer(
      root,
      {
        targets: probePlan(stack, o.probes, intervalMs).map((p) => ({
          url: `${url}/peer${p.path}`,
          offsetMs: p.offsetMs,
        })),
        intervalMs,
        timeoutMs: PROBE_TIMEOUT_MS,
        maxMs: (o.warmupS + o.durationS + 120) * 1000,
      },
      { PATH: env.PATH },
    );
    const startup = { berth: berthStartup, peer: procMemory(peer.pid) };
    log(`peer pid ${peer.pid}; warming up ${o.warmupS} s, then measuring ${o.durationS} s…`);
    await delay(o.warmupS * 1000);
    const measured = await measure(server, peer, target, token, stack, o.durationS, startup);
    for (const line of healthReport(measured, { ...o, server: describe, stack, deployMs, watchedMs }))
      ctx.out(line);
    return 0;
  } catch (error: unknown) {
    log(error instanceof Error ? error.message : String(error));
    if (server) process.stderr.write(`server output (tail):\n${server.tail().trim()}\n`);
    return 1;
  } finally {
    peer?.kill();
    await server?.stop();
    await target?.close();
    if (engine) await removeLabelled(engine, { [BerthLabel.Stack]: stack }).catch(() => undefined);
    build?.remove();
    rmSync(root, { recursive: true, force: true });
  }
}

/** One window, both monitors at once: scrape, CPU, wait, CPU and memory, the peer's report, scrape. */
async function measure(
  server: ServeProcess,
  peer: PeerProcess,
  target: Target,
  token: string,
  stack: string,
  durationS: number,
  startup: { berth: ProcMemory; peer: ProcMemory },
): Promise<HealthMeasure> {
  const timed = async () => {
    const t0 = performance.now();
    const text = await scrape(server.url, token);
    return { text, ms: performance.now() - t0 };
  };
  const first = await timed();
  const before = parseHistogram(first.text, LAG);
  if (before === undefined) throw new Error(`GET /metrics has no ${LAG} histogram`);
  const answered0 = target.counts();
  peer.mark();
  const load = [loadavg()[0] ?? Number.NaN];
  const cpu0 = { berth: procCpuMs(server.pid), peer: procCpuMs(peer.pid), at: performance.now() };
  await delay(durationS * 1000);
  const cpu1 = { berth: procCpuMs(server.pid), peer: procCpuMs(peer.pid), at: performance.now() };
  const memory = { berth: procMemory(server.pid), peer: procMemory(peer.pid) };
  const answered1 = target.counts();
  load.push(loadavg()[0] ?? Number.NaN);
  const report = await peer.finish();
  const last = await timed();
  const text = last.text;
  const after = parseHistogram(text, LAG);
  if (after === undefined) throw new Error(`GET /metrics has no ${LAG} histogram at the end`);
  const lag = histogramDelta(after, before);
  // Only the probes of the file: the service's built-in `container` probe has a series too.
  const up = samples(text, 'berth_probe_up').filter(
    (s) => s.labels.stack === stack && /^p\d+$/.test(s.labels.probe ?? ''),
  );
  const answered = (key: string) => (answered1[key] ?? 0) - (answered0[key] ?? 0);
  return {
    windowMs: cpu1.at - cpu0.at,
    scrapes: { ms: [first.ms, last.ms], bytes: Buffer.byteLength(text) },
    load,
    berth: {
      cpuMs: cpu1.berth - cpu0.berth,
      memory: memory.berth,
      startup: startup.berth,
      lag,
      runs: total(lag),
      answered: answered('berth'),
      up: up.filter((s) => s.value === 1).length,
      down: up.filter((s) => s.value === 0).length,
    },
    peer: {
      cpuMs: cpu1.peer - cpu0.peer,
      memory: memory.peer,
      startup: startup.peer,
      lag: histogramOf(
        report.lagsMs.map((l) => l / 1000),
        lag.bounds.slice(0, -1),
      ),
      runs: report.runs,
      answered: answered('peer'),
      ok: report.ok,
      failed: report.failed,
      lagsMs: [...report.lagsMs],
    },
  };
}
