// Deploy benchmark: cold and one-service-changed deploys of a three-level stack (MariaDB ← api ←
// web, 1 s healthcheck intervals) and of examples/force1, by Berth (in-process deployStack), by
// Debian's docker-compose 1.29 (`up -d`, then every service healthy), and against the readiness
// limit (the same containers, each check run back to back until it first passes, in dependency
// order). Berth's time ends at each deploy's result (its `done` event: every changed service gated,
// the deployment recorded); the note column shows what follows before deployStack returns (the
// install-phase pass, the removal of the replaced container). It measures and prints each ratio
// beside its goal; it never asserts.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { connectEngine } from '../src/engine/index.js';
import type { Engine } from '../src/engine/model.js';
import { parseArgs, positiveInt } from './lib/args.js';
import { type BenchStack, force1Stack, threeLevelStack } from './lib/deploy-stacks.js';
import { berthPair, buildImages, composePair, limitPair, load, type Pair } from './lib/deploy-tools.js';
import { type BenchFigure, writeResults } from './lib/results.js';
import { summarize } from './lib/stats.js';
import { formatTable, seconds } from './lib/table.js';
import type { BenchContext } from './lib/types.js';

const USAGE = `usage: npm run bench -- deploy [--runs N] [--only 3-level|force1] [--skip-compose]
  --runs N        rounds per stack (default 1); each round is a cold and a one-service-changed
                  deploy by Berth, docker-compose and the limit (3-level ~40 s, force1 ~2 min)
  --only NAME     one stack only
  --skip-compose  measure Berth and the limit only
Stacks are named berth-bench-<hex>-*, and removed after each round, volumes included.`;

const GOAL_VS_COMPOSE = 0.6;
const GOAL_VS_LIMIT = 1.1;
const SCENARIOS = ['cold', 'changed'] as const;

async function freePort(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return String(address.port);
}

interface Rounds {
  berth: Pair[];
  compose: Pair[];
  limit: Pair[];
}

async function measure(
  engine: Engine,
  stack: BenchStack,
  runs: number,
  withCompose: boolean,
  ctx: BenchContext,
  rows: string[][],
): Promise<Rounds> {
  const loaded = await load(stack.dir, { ...stack.env(0, '18080'), COMPOSE_PROJECT_NAME: 'berth-bench-x' });
  const services = Object.keys(loaded.model.services ?? {}).length;
  ctx.out(
    `stack    ${stack.label}: ${services} services, levels ${loaded.graph.levels.map((l) => l.join('+')).join(' → ')}; changed: ${stack.changed}`,
  );
  if (stack.builds) await buildImages(engine, stack, ctx.out);
  const out: Rounds = { berth: [], compose: [], limit: [] };
  const base = { PATH: ctx.env.PATH ?? '/usr/bin:/bin', HOME: ctx.env.HOME ?? '/tmp' };
  for (let i = 1; i <= runs; i++) {
    const hex = randomBytes(3).toString('hex');
    // Alternate who goes first, so neither always gets the warmer page cache.
    const order = i % 2 === 1 ? ['berth', 'compose', 'limit'] : ['limit', 'compose', 'berth'];
    for (const tool of order) {
      if (tool === 'compose' && !withCompose) continue;
      const port = await freePort();
      const name = `berth-bench-${hex}-${tool}`;
      const pair =
        tool === 'berth'
          ? await berthPair(engine, stack, name, port)
          : tool === 'compose'
            ? await composePair(engine, stack, name, port, services, base)
            : await limitPair(engine, stack, name, port);
      (tool === 'berth' ? out.berth : tool === 'compose' ? out.compose : out.limit).push(pair);
      const who = tool === 'berth' ? 'Berth' : tool === 'compose' ? 'docker-compose 1.29' : 'readiness limit';
      rows.push([
        stack.label,
        who,
        String(i),
        `${seconds(pair.cold)}s`,
        `${seconds(pair.changed)}s`,
        pair.note,
      ]);
    }
  }
  return out;
}

const median = (pairs: readonly Pair[], key: 'cold' | 'changed') =>
  pairs.length > 0 ? summarize(pairs.map((p) => p[key])).medianMs : undefined;

function figuresOf(label: string, rounds: Rounds): BenchFigure[] {
  const figures: BenchFigure[] = [];
  for (const scenario of SCENARIOS) {
    const berth = median(rounds.berth, scenario);
    if (berth === undefined) continue;
    const what = scenario === 'cold' ? 'cold deploy' : 'one service changed';
    for (const [peer, goal, value] of [
      ['docker-compose 1.29', GOAL_VS_COMPOSE, median(rounds.compose, scenario)],
      ['readiness limit', GOAL_VS_LIMIT, median(rounds.limit, scenario)],
    ] as const) {
      if (value === undefined || !(value > 0)) continue;
      const r = berth / value;
      figures.push({
        figure: `deploy ${label}, ${what}: Berth / ${peer}`,
        value: `${r.toFixed(2)}x (${seconds(berth)} s vs ${seconds(value)} s)`,
        goal: `≤ ${goal}x`,
        met: r <= goal,
      });
    }
  }
  return figures;
}

export async function run(args: readonly string[], ctx: BenchContext): Promise<number> {
  const parsed = parseArgs(args, { flags: ['--skip-compose', '--help'], values: ['--runs', '--only'] });
  const runs = positiveInt(parsed.values.get('--runs'), 1);
  const only = parsed.values.get('--only');
  if (parsed.flags.has('--help')) {
    ctx.out(USAGE);
    return 0;
  }
  if (
    parsed.unknown.length > 0 ||
    parsed.positional.length > 0 ||
    runs === undefined ||
    (only !== undefined && only !== '3-level' && only !== 'force1')
  ) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const engine = await connectEngine({});
  const version = await engine.system.version();
  ctx.out(
    `engine   ${version.serverVersion} (API ${engine.apiVersion}); node ${process.version}; ${runs} round(s)`,
  );
  // No default password ships with force1: one per bench run.
  const stacks = [threeLevelStack(), force1Stack(ctx.repoRoot, randomBytes(18).toString('base64url'))].filter(
    (s) => only === undefined || s.label === only,
  );
  const rows: string[][] = [];
  const figures: BenchFigure[] = [];
  try {
    for (const stack of stacks) {
      const rounds = await measure(engine, stack, runs, !parsed.flags.has('--skip-compose'), ctx, rows);
      figures.push(...figuresOf(stack.label, rounds));
    }
  } finally {
    for (const stack of stacks) rmSync(stack.dir, { recursive: true, force: true });
  }
  ctx.out('');
  ctx.out(
    formatTable(['stack', 'measure', 'run', 'cold', 'one changed', 'note'], rows, [
      'left',
      'left',
      'right',
      'right',
      'right',
      'left',
    ]),
  );
  ctx.out('');
  ctx.out(
    formatTable(
      ['figure (medians)', 'value', 'goal', 'met'],
      figures.map((f) => [f.figure, f.value, f.goal, f.met ? 'yes' : 'no']),
      ['left', 'right', 'right', 'left'],
    ),
  );
  ctx.out(`results  ${writeResults(ctx.repoRoot, 'deploy', figures)}`);
  return 0;
}
