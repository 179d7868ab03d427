// Deploy benchmark: a cold deploy of examples/force1 until every service is healthy, by Berth
// (in-process deployStack) and by Debian's docker-compose 1.29, on the same engine and images, and
// Berth against the "limit": the sum over dependency levels of the slowest container's
// start→healthy time, from the engine's own events. It measures and prints; it never asserts.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { builtinXBerthRegistry } from '../src/app/registry.js';
import { systemClock } from '../src/clock.js';
import { type LoadedStack, loadWorkspace } from '../src/compose/stack.js';
import { deployStack, planDeploy } from '../src/deploy/deploy.js';
import { connectEngine } from '../src/engine/index.js';
import { BerthLabel, ComposeLabel, type Engine, type EngineEvent } from '../src/engine/model.js';
import { openStore, processIsAlive, type Store } from '../src/store/index.js';
import { parseArgs, positiveInt } from './lib/args.js';
import { removeLabelled } from './lib/engine.js';
import { timeProcess } from './lib/proc.js';
import { summarize } from './lib/stats.js';
import { formatTable, seconds } from './lib/table.js';
import type { BenchContext } from './lib/types.js';

const USAGE = `usage: npm run bench -- deploy [--runs N] [--skip-compose]
  --runs N        cold deploys per tool (default 1; each takes about a minute with its cleanup)
  --skip-compose  measure Berth and the limit only
Images are built first (untimed). Stacks are named berth-bench-<hex> / berth-bench-compose-<hex>
and removed after each run, volumes included.`;

const GOAL_VS_COMPOSE = 0.6;
const GOAL_VS_LIMIT = 1.15;
const HEALTHY_DEADLINE_MS = 5 * 60_000;

interface BerthRun {
  ms: number;
  /** When the first pass had every service healthy (before the install-phase pass, if any). */
  firstPassMs: number;
  outcome: string;
  limitMs: number;
  levels: string[];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}

async function load(dir: string, env: Record<string, string>): Promise<LoadedStack> {
  const result = await loadWorkspace(dir, { env, registry: builtinXBerthRegistry() });
  const stack = result.stacks[0];
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  if (!stack || errors.length > 0)
    throw new Error(`cannot load ${dir}: ${errors.map((d) => d.message).join('; ')}`);
  return stack;
}

/** Builds every image of the stack (untimed): the engine's cache makes an unchanged one quick. */
async function buildImages(engine: Engine, store: Store, loaded: LoadedStack, out: (line: string) => void) {
  const { plan } = await planDeploy({ engine, store }, loaded, { build: true });
  for (const step of plan.builds) {
    const t0 = performance.now();
    // A failed build throws (EngineError with the last log lines) once its stream ends.
    for await (const _ of engine.images.build({ ...step.request })) {
    }
    out(`built    ${step.request.tag} (${step.service}) in ${seconds(performance.now() - t0)}s`);
  }
}

/** Container events of one stack while `work` runs. */
async function withEvents<T>(engine: Engine, selector: Record<string, string>, work: () => Promise<T>) {
  const controller = new AbortController();
  const events: EngineEvent[] = [];
  const since = Date.now() - 1000;
  const reading = (async () => {
    try {
      const stream = engine.events.stream(
        { filters: { types: ['container'], labels: selector }, since },
        controller.signal,
      );
      for await (const event of stream) events.push(event);
    } catch (error: unknown) {
      if (!controller.signal.aborted) throw error;
    }
  })();
  try {
    return { value: await work(), events };
  } finally {
    await delay(500); // the last events are sent as they happen: let them arrive
    controller.abort();
    await reading;
  }
}

/** Σ over levels of the slowest first start→healthy of the level's services, from engine events. */
function limitOf(events: readonly EngineEvent[], levels: readonly (readonly string[])[]) {
  const started = new Map<string, number>();
  const healthyBy = new Map<string, number>(); // service → its first container's start→healthy
  for (const e of [...events].sort((a, b) => a.time - b.time)) {
    const service = e.labels[BerthLabel.Service];
    if (!service) continue;
    if (e.action === 'start' && !started.has(e.id)) started.set(e.id, e.time);
    const start = started.get(e.id);
    if (
      e.action === 'health_status' &&
      e.actionDetail === 'healthy' &&
      start !== undefined &&
      !healthyBy.has(service)
    )
      healthyBy.set(service, e.time - start);
  }
  let total = 0;
  const parts: string[] = [];
  for (const level of levels) {
    const slowest = level
      .map((s) => ({ s, ms: healthyBy.get(s) }))
      .reduce((a, b) => ((b.ms ?? Number.POSITIVE_INFINITY) > (a.ms ?? Number.POSITIVE_INFINITY) ? b : a));
    total += slowest.ms ?? Number.NaN;
    parts.push(`${slowest.s} ${slowest.ms === undefined ? '?' : `${seconds(slowest.ms)}s`}`);
  }
  return { total, parts };
}

async function berthRun(
  engine: Engine,
  dir: string,
  env: Record<string, string>,
  name: string,
): Promise<BerthRun> {
  const stateDir = mkdtempSync(join(tmpdir(), 'berth-bench-'));
  const clock = systemClock();
  const store = openStore({ path: join(stateDir, 'state.db'), clock, isAlive: processIsAlive });
  const owner = { pid: process.pid, host: hostname(), token: randomBytes(8).toString('hex') };
  try {
    const loaded = await load(dir, { ...env, COMPOSE_PROJECT_NAME: name });
    let firstPassMs: number | undefined;
    const t0 = performance.now();
    const { value: result, events } = await withEvents(engine, { [BerthLabel.Stack]: name }, () =>
      deployStack({ engine, store, clock, owner }, loaded, {
        onEvent: (e) => {
          if (e.type === 'done' && firstPassMs === undefined) firstPassMs = performance.now() - t0;
        },
      }).then((r) => ({ ...r, ms: performance.now() - t0 })),
    );
    const limit = limitOf(events, loaded.graph.levels);
    return {
      ms: result.ms,
      firstPassMs: firstPassMs ?? result.ms,
      outcome: result.outcome,
      limitMs: limit.total,
      levels: limit.parts,
    };
  } finally {
    store.close();
    await removeLabelled(engine, { [BerthLabel.Stack]: name });
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/** `docker-compose up -d`, then polls the engine until every service's container is healthy. */
async function composeRun(
  engine: Engine,
  dir: string,
  env: Record<string, string>,
  name: string,
  services: number,
  ctx: BenchContext,
) {
  const procEnv = { PATH: ctx.env.PATH ?? '/usr/bin:/bin', HOME: ctx.env.HOME ?? '/tmp', ...env };
  const selector = { [ComposeLabel.Project]: name };
  try {
    const t0 = performance.now();
    const up = await timeProcess('docker-compose', ['-p', name, '-f', 'compose.yaml', 'up', '-d'], {
      cwd: dir,
      env: procEnv,
    });
    let ms: number | undefined;
    while (performance.now() - t0 < HEALTHY_DEADLINE_MS) {
      const list = await engine.containers.list(selector, { all: true });
      if (list.length >= services && list.every((c) => c.health === 'healthy')) {
        ms = performance.now() - t0;
        break;
      }
      if (up.code !== 0 && list.some((c) => c.state !== 'running')) break;
      await delay(100);
    }
    const note =
      up.code === 0
        ? `up -d returned after ${seconds(up.ms)}s`
        : `up -d exit ${up.code}: ${up.stderr.trim().split('\n').at(-1) ?? ''}`;
    return { ms, note };
  } finally {
    await timeProcess('docker-compose', ['-p', name, '-f', 'compose.yaml', 'down', '-v', '-t', '2'], {
      cwd: dir,
      env: procEnv,
    });
    await removeLabelled(engine, selector);
  }
}

const x = (a: number, b: number | undefined) =>
  b === undefined || !(b > 0) ? '-' : `${(a / b).toFixed(2)}x`;

export async function run(args: readonly string[], ctx: BenchContext): Promise<number> {
  const parsed = parseArgs(args, { flags: ['--skip-compose', '--help'], values: ['--runs'] });
  const runs = positiveInt(parsed.values.get('--runs'), 1);
  if (parsed.flags.has('--help')) {
    ctx.out(USAGE);
    return 0;
  }
  if (parsed.unknown.length > 0 || parsed.positional.length > 0 || runs === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const dir = join(ctx.repoRoot, 'examples', 'force1');
  const engine = await connectEngine({});
  const version = await engine.system.version();
  // No default password ships with the example: one per bench run.
  const env = { DB_PASSWORD: randomBytes(18).toString('base64url') };
  const hex = randomBytes(3).toString('hex');
  const berthName = `berth-bench-${hex}`;
  const composeName = `berth-bench-compose-${hex}`;

  const scratch = mkdtempSync(join(tmpdir(), 'berth-bench-build-'));
  const buildStore = openStore({
    path: join(scratch, 'state.db'),
    clock: systemClock(),
    isAlive: processIsAlive,
  });
  let services = 0;
  try {
    const loaded = await load(dir, { ...env, WEB_PORT: '8080', COMPOSE_PROJECT_NAME: berthName });
    services = Object.keys(loaded.model.services ?? {}).length;
    ctx.out(
      `stack    examples/force1: ${services} services, levels ${loaded.graph.levels.map((l) => l.join('+')).join(' → ')}`,
    );
    ctx.out(
      `engine   ${version.serverVersion} (API ${engine.apiVersion}); node ${process.version}; ${runs} run(s) per tool`,
    );
    await buildImages(engine, buildStore, loaded, ctx.out);
  } finally {
    buildStore.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  ctx.out('');

  const rows: string[][] = [];
  const berth: BerthRun[] = [];
  const compose: number[] = [];
  for (let i = 1; i <= runs; i++) {
    // Alternate who goes first, so neither always gets the warmer page cache.
    const order = i % 2 === 1 ? ['berth', 'compose'] : ['compose', 'berth'];
    for (const tool of order) {
      if (tool === 'compose' && parsed.flags.has('--skip-compose')) continue;
      const port = String(await freePort());
      if (tool === 'berth') {
        const r = await berthRun(engine, dir, { ...env, WEB_PORT: port }, berthName);
        berth.push(r);
        const install =
          r.ms - r.firstPassMs > 1000 ? `; install-phase pass +${seconds(r.ms - r.firstPassMs)}s` : '';
        rows.push([
          `Berth deployStack (${r.outcome})`,
          String(i),
          `${seconds(r.firstPassMs)}s`,
          `${seconds(r.ms)}s`,
          `first pass healthy${install}`,
        ]);
        rows.push([
          'limit: Σ slowest start→healthy per level',
          String(i),
          `${seconds(r.limitMs)}s`,
          '',
          r.levels.join(' + '),
        ]);
      } else {
        const r = await composeRun(engine, dir, { ...env, WEB_PORT: port }, composeName, services, ctx);
        if (r.ms !== undefined) compose.push(r.ms);
        rows.push([
          'docker-compose 1.29 up -d + healthy',
          String(i),
          r.ms === undefined ? 'never' : `${seconds(r.ms)}s`,
          '',
          r.note,
        ]);
      }
    }
  }
  ctx.out(
    formatTable(['measure', 'run', 'all healthy', 'returned', 'note'], rows, [
      'left',
      'right',
      'right',
      'right',
      'left',
    ]),
  );

  const medianOf = (values: number[]) => (values.length > 0 ? summarize(values).medianMs : undefined);
  const berthFirst = medianOf(berth.map((r) => r.firstPassMs)) ?? Number.NaN;
  const berthTotal = medianOf(berth.map((r) => r.ms)) ?? Number.NaN;
  const limit = medianOf(berth.map((r) => r.limitMs));
  const composeMs = medianOf(compose);
  ctx.out('');
  ctx.out(
    formatTable(
      ['ratio (medians)', 'first pass', 'with install pass', 'goal'],
      [
        ['berth / compose', x(berthFirst, composeMs), x(berthTotal, composeMs), `≤ ${GOAL_VS_COMPOSE}x`],
        ['berth / limit', x(berthFirst, limit), x(berthTotal, limit), `≤ ${GOAL_VS_LIMIT}x`],
      ],
      ['left', 'right', 'right', 'right'],
    ),
  );
  return berth.every((r) => r.outcome === 'succeeded') ? 0 : 1;
}
