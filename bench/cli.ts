// CLI bench: how fast `berth` starts, as a process, for the commands people type most: --version,
// --help, validate of one file, and ps through the API of a running `berth serve`. Beside the floor
// (a bare `node -e 0` with the same flags) and, for validate, docker-compose 1.29's `config -q`.
// It measures and prints; it never asserts.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shippedNodeArgs } from './lib/api-peer.js';
import { apiToken } from './lib/api-token.js';
import { parseArgs, positiveInt } from './lib/args.js';
import { buildBerth, type CompiledBerth } from './lib/build.js';
import { measureStartup, ms, outcome, type StartupMeasure } from './lib/cli-runs.js';
import { type BenchFigure, writeResults } from './lib/results.js';
import { type ServeProcess, startServe } from './lib/serve.js';
import { formatTable } from './lib/table.js';
import type { BenchContext } from './lib/types.js';
import { benchWorkspace } from './lib/workspace.js';

const USAGE = `usage: npm run bench -- cli [--runs N]
  --runs N   timed runs per command, after one untimed warm-up (default 20)
Runs the compiled CLI (tsc -p tsconfig.build.json into a temp folder, what npm run build ships)
with bin/berth.js's node flags. Needs the Docker engine for \`berth ps\` (the server lists containers).`;

const GOALS: Readonly<Record<string, number>> = { version: 150, validate: 300 };

export async function run(args: readonly string[], ctx: BenchContext): Promise<number> {
  const parsed = parseArgs(args, { flags: ['--help'], values: ['--runs'] });
  const runs = positiveInt(parsed.values.get('--runs'), 20);
  if (parsed.flags.has('--help')) {
    ctx.out(USAGE);
    return 0;
  }
  if (parsed.unknown.length > 0 || parsed.positional.length > 0 || runs === undefined) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const nodeArgs = shippedNodeArgs(join(ctx.repoRoot, 'bin', 'berth.js'));
  const root = mkdtempSync(join(tmpdir(), 'berth-bench-cli-'));
  let build: CompiledBerth | undefined;
  let server: ServeProcess | undefined;
  try {
    build = await buildBerth(ctx.repoRoot);
    const dirs = { state: join(root, 'state'), home: join(root, 'home'), ws: join(root, 'ws') };
    for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
    // One stack of the api bench's workspace: three services with health checks and dependencies.
    const [relative, text] = [...benchWorkspace(1)].find(([path]) => path.endsWith('compose.yaml')) ?? [];
    if (relative === undefined || text === undefined) throw new Error('bench workspace: no compose file');
    const composeFile = join(root, 'compose.yaml');
    writeFileSync(composeFile, text);
    const env = { PATH: ctx.env.PATH ?? '/usr/bin:/bin', HOME: dirs.home };
    const o = { cwd: root, env, runs };
    const berth = (name: string, argv: readonly string[], extraEnv: Record<string, string> = {}) =>
      measureStartup(name, process.execPath, [...nodeArgs, build?.entry ?? '', ...argv], {
        ...o,
        env: { ...env, ...extraEnv },
      });

    ctx.out(`berth    node ${nodeArgs.join(' ')} <compiled entry> (tsc -p tsconfig.build.json)`);
    ctx.out(`file     a compose file of 3 services (${text.length} bytes); ${runs} runs per command`);
    ctx.out(`node     ${process.version}`);
    ctx.out('');

    const floor = await measureStartup(
      'node -e 0 (the floor)',
      process.execPath,
      [...nodeArgs, '-e', '0'],
      o,
    );
    const version = await berth('berth --version', ['--version']);
    const help = await berth('berth --help', ['--help']);
    const validate = await berth('berth validate FILE', ['validate', composeFile]);
    const measures: StartupMeasure[] = [floor, version, help, validate];

    let compose: StartupMeasure | undefined;
    const dockerCompose = ['/usr/bin/docker-compose', '/usr/local/bin/docker-compose'].find(existsSync);
    if (dockerCompose) {
      compose = await measureStartup(
        'docker-compose -f FILE config -q',
        dockerCompose,
        ['-f', composeFile, 'config', '-q'],
        o,
      );
      measures.push(compose);
    }

    server = await startServe({
      repoRoot: ctx.repoRoot,
      entry: build.entry,
      nodeArgs,
      env: { ...env, BERTH_STATE_DIR: dirs.state, BERTH_WORKSPACE: dirs.ws },
    });
    const token = await apiToken(server.url, dirs.state);
    const ps = await berth('berth ps (through the API)', ['ps'], {
      BERTH_URL: server.url,
      BERTH_TOKEN: token,
    });
    measures.push(ps);
    await server.stop();
    server = undefined;

    ctx.out(
      formatTable(
        ['command', 'runs', 'median', 'p90', 'x node floor', 'last run'],
        measures.map((m) => [
          m.name,
          String(m.runs),
          ms(m.medianMs),
          ms(m.p90Ms),
          `${(m.medianMs / floor.medianMs).toFixed(1)}x`,
          outcome(m.last),
        ]),
        ['left', 'right', 'right', 'right', 'right', 'left'],
      ),
    );
    ctx.out('');

    const figures: BenchFigure[] = [
      goalFigure('berth --version: start-up, median', version.medianMs, GOALS.version ?? 0),
      goalFigure('berth validate of one file: median', validate.medianMs, GOALS.validate ?? 0),
      { figure: 'berth --help: median', value: ms(help.medianMs), goal: '' },
      { figure: 'berth ps through the API: median', value: ms(ps.medianMs), goal: '' },
      { figure: 'node -e 0 (the floor): median', value: ms(floor.medianMs), goal: '' },
      {
        figure: 'berth --version / node floor',
        value: `${(version.medianMs / floor.medianMs).toFixed(2)}x`,
        goal: '',
      },
    ];
    if (compose) {
      figures.push({
        figure: 'berth validate / docker-compose config -q (one file)',
        value: `${(validate.medianMs / compose.medianMs).toFixed(2)}x`,
        goal: '',
      });
    }
    for (const f of figures) {
      const mark = f.met === undefined ? '' : f.met ? '  met' : '  NOT MET';
      ctx.out(`${f.figure.padEnd(56)} ${f.value.padStart(8)}${f.goal ? `   goal ${f.goal}${mark}` : ''}`);
    }
    for (const m of measures.filter((x) => x.last.code !== 0 && x !== compose)) {
      ctx.out(`note: ${m.name} failed: ${outcome(m.last)}`);
    }
    const written = writeResults(ctx.repoRoot, 'cli', figures);
    ctx.out(`results  ${written}`);
    return 0;
  } finally {
    await server?.stop();
    build?.remove();
    rmSync(root, { recursive: true, force: true });
  }
}

function goalFigure(figure: string, valueMs: number, goalMs: number): BenchFigure {
  return { figure, value: ms(valueMs), goal: `< ${goalMs} ms`, met: valueMs < goalMs };
}
