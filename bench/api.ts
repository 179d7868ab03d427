// API benchmark: a real `berth serve` process (by default a fresh compiled build, as `npm run build`
// ships it, with the node flags of bin/berth.js) managing a workspace of 20 stacks, loaded with
// GET /api/v1/stacks (viewer API token) at a steady 500 and 2,000 req/s; beside it a peer, a bare
// node:http server answering the same body. Figures: server CPU per response (its /proc CPU time over
// a steady window / responses), p99 latency, resident memory idle (restarted after setup, so no
// login ran) and after the load. It measures and prints; it never asserts.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { apiFigures, type Measured, ms, RATES, type RateResult } from './lib/api-figures.js';
import { FLOOR_LIBRARIES, startFloor } from './lib/api-floor.js';
import { type PeerProcess, shippedNodeArgs, startPeer } from './lib/api-peer.js';
import { apiToken, call } from './lib/api-token.js';
import { parseArgs, positiveInt } from './lib/args.js';
import { buildBerth, type CompiledBerth } from './lib/build.js';
import { pacedLoad } from './lib/pace.js';
import { figuresTable, writeResults } from './lib/results.js';
import { procCpuMs, procMemory, type ServeProcess, startServe } from './lib/serve.js';
import { loadStats, percentile } from './lib/stats.js';
import type { BenchContext } from './lib/types.js';
import { writeBenchWorkspace } from './lib/workspace.js';

const USAGE = `usage: npm run bench -- api [--duration S] [--connections N] [--node-flags "F"] [--from-sources] [--cpu-prof DIR]
  --duration S     seconds of each steady load (default 10)
  --connections N  keep-alive connections (default 10)
  --node-flags F   node flags for the server and the peer instead of bin/berth.js's (e.g. "" for none)
  --from-sources   run node bin/berth.js (dist/ when built, else src through tsx) instead of
                   compiling the checkout into a temp folder with tsc -p tsconfig.build.json
  --cpu-prof DIR   run the server with node --cpu-prof and write its profile to DIR (slows it down)
The server runs with the node flags of bin/berth.js's shebang. It is set up (admin, viewer token),
restarted, asked once, left idle ${5} s (idle RSS), warmed up (${5} s at 2,000 req/s: V8 has compiled the hot
path before anything is measured), then loaded at a steady 500 and 2,000 req/s
(one request every 1000/rate ms, bench/lib/pace.ts). The peer gets the same loads.
Then the library floor: the libraries Berth serves with, each used once and no Berth code, left idle
5 s after one request (its idle RSS). State, workspace (20 stacks) and HOME live in a temp folder, removed after.`;

const STACKS = 20;
const IDLE_MS = 5_000;
/**
 * The warm-up before the measured loads, at the highest rate. With 2 s at 500 req/s (1,000 requests),
 * the first measured load still paid for V8's compiling Berth's hot path: 500 req/s measured first
 * cost 0.15 ms of CPU per response, the same load after the 2,000 req/s one 0.10–0.11 ms. The peer
 * (a dozen lines) is warm at once. Steady means compiled, for both.
 */
const WARMUP_S = 5;
const WARMUP_RATE = 2_000;

/** A steady load at each rate, with the server's CPU time over it (its own process, from /proc). */
async function steadyLoads(pid: number, url: string, headers: Record<string, string>, o: Options) {
  await pacedLoad({ url, headers, rate: WARMUP_RATE, durationS: WARMUP_S, sockets: o.connections });
  const loads: RateResult[] = [];
  for (const rate of RATES) {
    const before = procCpuMs(pid);
    const paced = await pacedLoad({ url, headers, rate, durationS: o.duration, sockets: o.connections });
    const cpuMs = procCpuMs(pid) - before;
    loads.push({
      rate,
      stats: loadStats(paced.latencies, paced.sendRate, paced.non2xx + paced.errors),
      cpuMsPerResponse: cpuMs / paced.sent,
      lagP99: percentile(paced.lags, 99),
    });
  }
  return loads;
}

interface Options {
  duration: number;
  connections: number;
}

export async function run(args: readonly string[], ctx: BenchContext): Promise<number> {
  const parsed = parseArgs(args, {
    flags: ['--help', '--from-sources'],
    values: ['--duration', '--connections', '--cpu-prof', '--node-flags'],
  });
  const duration = positiveInt(parsed.values.get('--duration'), 10);
  const connections = positiveInt(parsed.values.get('--connections'), 10);
  if (parsed.flags.has('--help')) {
    ctx.out(USAGE);
    return 0;
  }
  if (parsed.unknown.length > 0 || parsed.positional.length > 0 || !duration || !connections) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (!existsSync('/proc/self/status')) {
    process.stderr.write('bench api: reads memory and CPU from /proc/<pid>, which needs Linux\n');
    return 1;
  }
  const o = { duration, connections };
  const cpuProf = parsed.values.get('--cpu-prof');
  const flags = parsed.values.get('--node-flags');
  const nodeArgs =
    flags === undefined
      ? shippedNodeArgs(join(ctx.repoRoot, 'bin', 'berth.js'))
      : flags.split(/\s+/).filter(Boolean);
  const root = mkdtempSync(join(tmpdir(), 'berth-bench-api-'));
  let build: CompiledBerth | undefined;
  let server: ServeProcess | undefined;
  let peer: PeerProcess | undefined;
  try {
    let entry: string | undefined;
    let describe: string;
    if (parsed.flags.has('--from-sources')) {
      const built = existsSync(join(ctx.repoRoot, 'dist', 'cli', 'main.js'));
      describe = `node bin/berth.js serve, ${built ? 'from dist/' : 'from src via tsx (RSS includes the tsx loader)'}`;
    } else {
      build = await buildBerth(ctx.repoRoot);
      entry = build.entry;
      describe = `node ${build.entry} serve, compiled by tsc -p tsconfig.build.json (what npm run build ships)`;
      if (build.diagnostics.length > 0) {
        ctx.out(
          `note      tsc reported ${build.diagnostics.length} type error(s), JavaScript emitted anyway:`,
        );
        for (const line of build.diagnostics.slice(0, 5)) ctx.out(`            ${line}`);
      }
    }
    const dirs = { ws: join(root, 'ws'), state: join(root, 'state'), home: join(root, 'home') };
    for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
    writeBenchWorkspace(dirs.ws, STACKS);
    const serve = (extra: readonly string[]) =>
      startServe({
        repoRoot: ctx.repoRoot,
        env: {
          PATH: ctx.env.PATH ?? '/usr/bin:/bin',
          HOME: dirs.home,
          BERTH_STATE_DIR: dirs.state,
          BERTH_WORKSPACE: dirs.ws,
        },
        ...(entry === undefined ? {} : { entry }),
        nodeArgs: [...extra, ...nodeArgs],
      });

    // Setup and a token (a login: argon2id), then a restart: idle serving has never hashed a password.
    server = await serve([]);
    const token = await apiToken(server.url, dirs.state);
    await server.stop();
    server = await serve(cpuProf === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`]);
    process.stderr.write(`bench api: berth serve pid ${server.pid}, ${server.url}\n`);
    const headers = { authorization: `Bearer ${token}` };
    const url = `${server.url}/api/v1/stacks`;
    const first = await call(url, { headers }, 200);
    const items = Array.isArray(first.json.items) ? (first.json.items as { valid?: unknown }[]) : [];
    if (items.length !== STACKS || items.some((s) => s.valid !== true)) {
      throw new Error(
        `GET /api/v1/stacks lists ${items.length} stacks, not the ${STACKS} valid ones written`,
      );
    }
    await delay(IDLE_MS);
    const idleKiB = procMemory(server.pid).rssKiB;
    const berthLoads = await steadyLoads(server.pid, url, headers, o);
    const berth: Measured = { idleKiB, afterKiB: procMemory(server.pid).rssKiB, loads: berthLoads };
    await server.stop();
    server = undefined;

    const bodyFile = join(root, 'body.json');
    writeFileSync(bodyFile, JSON.stringify(first.json));
    peer = await startPeer(bodyFile, nodeArgs);
    await call(peer.url, {}, 200);
    await delay(IDLE_MS);
    const peerIdle = procMemory(peer.pid).rssKiB;
    const peerLoads = await steadyLoads(peer.pid, peer.url, {}, o);
    const bare: Measured = { idleKiB: peerIdle, afterKiB: procMemory(peer.pid).rssKiB, loads: peerLoads };
    await peer.stop();
    peer = undefined;

    // The library floor needs Berth's compiled dockerode loader: not measured --from-sources.
    let floorIdleKiB: number | undefined;
    if (build !== undefined) {
      peer = await startFloor(
        {
          repoRoot: ctx.repoRoot,
          dockerodeModule: join(build.root, 'dist', 'engine', 'dockerode.js'),
          bodyFile,
          composeFile: join(dirs.ws, 'stack-01', 'compose.yaml'),
          dir: root,
          engineSocket: '/var/run/docker.sock',
        },
        nodeArgs,
      );
      await call(peer.url, {}, 200);
      await delay(IDLE_MS);
      floorIdleKiB = procMemory(peer.pid).rssKiB;
      await peer.stop();
      peer = undefined;
    }

    ctx.out(`workspace ${STACKS} stacks; GET /api/v1/stacks (default page) with a viewer API token`);
    ctx.out(`server    ${describe}; node ${process.version} ${nodeArgs.join(' ')}`);
    ctx.out(
      `peer      a bare node:http server (same flags) answering Berth's body, ${first.json ? JSON.stringify(first.json).length : 0} bytes`,
    );
    if (floorIdleKiB !== undefined)
      ctx.out(`floor     the same flags, ${FLOOR_LIBRARIES}: each used once, one request through Hono`);
    ctx.out(
      `load      steady, ${o.duration} s per rate over ${o.connections} keep-alive connections (in this process)`,
    );
    if (cpuProf !== undefined)
      ctx.out('note      the server ran with --cpu-prof: its figures are not comparable');
    ctx.out('');
    const figures = apiFigures(berth, bare, floorIdleKiB);
    ctx.out(figuresTable(figures));
    ctx.out('');
    for (const l of berth.loads) {
      ctx.out(
        `berth ${l.rate} req/s: p50 ${ms(l.stats.p50)}, p90 ${ms(l.stats.p90)}, max ${ms(l.stats.max)}, ${l.stats.rate.toFixed(0)} req/s sent, ${l.stats.failed} failed, pacer lag p99 ${ms(l.lagP99)}`,
      );
    }
    ctx.out(
      "CPU: utime+stime of the server process (/proc/<pid>/stat, 10 ms ticks) over each steady load / responses; it includes the kernel's socket work, which the peer pays too.",
    );
    ctx.out(
      'Latency: from the request call to the last byte, on a fixed schedule (open loop); RSS: VmRSS, 1 MB = 10^6 bytes.',
    );
    // A profiled server is slowed down: its figures must not replace the last comparable ones.
    if (cpuProf === undefined) ctx.out(`results   ${writeResults(ctx.repoRoot, 'api', figures)}`);
    else ctx.out('results   not written: the server ran with --cpu-prof');
    return 0;
  } catch (error: unknown) {
    process.stderr.write(`bench api: ${error instanceof Error ? error.message : String(error)}\n`);
    if (server) process.stderr.write(`server output (tail):\n${server.tail().trim()}\n`);
    return 1;
  } finally {
    await server?.stop();
    await peer?.stop();
    build?.remove();
    rmSync(root, { recursive: true, force: true });
  }
}
