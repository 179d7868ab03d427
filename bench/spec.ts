// Spec benchmark: how fast Berth validates the compose corpus, in-process and as a CLI, next to
// dclint linting the same files and to the limit: the bare YAML parse of the same files, with
// reads overlapped and the same number of threads as Berth's pool. Berth is the compiled build
// (what npm run build ships). It measures and prints; it never asserts.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ValidateOptions, ValidationReport } from '../src/compose/validate.js';
import { shippedNodeArgs } from './lib/api-peer.js';
import { buildBerth, type CompiledBerth } from './lib/build.js';
import { corpusRun, processRow, type Row, rowsTable } from './lib/corpus.js';
import { totalBytes } from './lib/files.js';
import { crashOf, type ProcessRun, timeProcess } from './lib/proc.js';
import { type BenchFigure, writeResults } from './lib/results.js';
import { bareParse, bareParseProcessArgs } from './lib/spec-bare.js';
import { repeat, type Summary } from './lib/stats.js';
import type { BenchContext } from './lib/types.js';

const USAGE = `usage: npm run bench -- spec [--runs N] [--limit N] [--skip-dclint]
  --runs N       timed runs per measure, after one untimed warm-up for Berth (default 3)
  --limit N      only the first N corpus files (sorted by path)
  --skip-dclint  do not run dclint (it takes about a minute per run)
env: BERTH_CORPUS  corpus folder (default ../shared/corpus beside the repo; its compose/ subfolder is used when present)`;

const GOAL_DCLINT = 50;
const GOAL_LIMIT = 2;

interface CompiledValidate {
  validatePaths(paths: readonly string[], options: ValidateOptions): Promise<ValidationReport>;
  options: ValidateOptions;
  threads: number;
}

/** validatePaths of the compiled build, with the registry and pool the CLI gives it. */
async function compiledValidate(build: CompiledBerth, files: number): Promise<CompiledValidate> {
  const at = (path: string) => pathToFileURL(join(build.root, 'dist', path)).href;
  const { validatePaths } = (await import(at('compose/validate.js'))) as Pick<
    CompiledValidate,
    'validatePaths'
  >;
  const { builtinXBerthRegistry } = (await import(at('app/registry.js'))) as {
    builtinXBerthRegistry: () => ValidateOptions['registry'];
  };
  const { poolSize } = (await import(at('compose/pool/validate-pool.js'))) as {
    poolSize: (paths: number) => number;
  };
  return {
    validatePaths,
    options: {
      env: {},
      registry: builtinXBerthRegistry(),
      registrySource: { url: at('app/registry.js'), export: 'builtinXBerthRegistry' },
    },
    threads: poolSize(files),
  };
}

export async function run(args: readonly string[], ctx: BenchContext): Promise<number> {
  const setup = corpusRun('spec', USAGE, args, ctx);
  if (typeof setup === 'number') return setup;
  const { runs, composeDir, paths } = setup;
  const build = await buildBerth(ctx.repoRoot);
  try {
    return await measure(ctx, build, { runs, composeDir, paths, skipDclint: setup.skipDclint });
  } finally {
    build.remove();
  }
}

async function measure(
  ctx: BenchContext,
  build: CompiledBerth,
  {
    runs,
    composeDir,
    paths,
    skipDclint,
  }: { runs: number; composeDir: string; paths: string[]; skipDclint: boolean },
): Promise<number> {
  const berth = await compiledValidate(build, paths.length);
  const nodeArgs = shippedNodeArgs(join(ctx.repoRoot, 'bin', 'berth.js'));
  ctx.out(`corpus   ${composeDir}`);
  ctx.out(`files    ${paths.length} (${(totalBytes(paths) / 1024).toFixed(0)} KiB)`);
  ctx.out(
    `runs     ${runs} timed per measure; node ${process.version}; ${berth.threads} thread(s) for Berth's pool and the limit`,
  );
  ctx.out(`berth    compiled (tsc -p tsconfig.build.json), CLI run as node ${nodeArgs.join(' ')} <entry>`);
  ctx.out('');

  const rows: Row[] = [];
  const notes: string[] = [];

  const inProcess = await repeat(runs, 1, () => berth.validatePaths(paths, berth.options));
  const valid = inProcess.last.files.filter((file) => file.valid).length;
  rows.push({
    name: 'Berth in-process validatePaths()',
    summary: inProcess.summary,
    exit: '-',
    note: `${valid} valid, ${inProcess.last.files.length - valid} invalid`,
  });

  const one = await repeat(runs, 1, () => berth.validatePaths(paths, { ...berth.options, threads: 1 }));
  rows.push({
    name: 'Berth in-process, one thread',
    summary: one.summary,
    exit: '-',
    note: 'reads overlapped, no pool',
  });

  const limit = await repeat(runs, 1, () => bareParse(ctx.repoRoot, paths, berth.threads));
  rows.push({
    name: `limit: read + YAML.parse, ${berth.threads} thread(s)`,
    summary: limit.summary,
    exit: '-',
    note: `${limit.last.documents} parsed, ${limit.last.failed} refused`,
  });

  const bareArgs = bareParseProcessArgs(ctx.repoRoot, paths, berth.threads);
  const bareProcess = await repeat(runs, 1, () =>
    timeProcess(process.execPath, bareArgs, { cwd: ctx.repoRoot, env: ctx.env }),
  );
  rows.push(
    processRow(
      `limit process: node, read + YAML.parse, ${berth.threads} thread(s)`,
      bareProcess.summary,
      bareProcess.last,
    ),
  );

  const berthArgs = [...nodeArgs, build.entry, 'validate', '--json', ...paths];
  const berthProcess = await repeat(runs, 1, () =>
    timeProcess(process.execPath, berthArgs, { cwd: ctx.repoRoot, env: ctx.env }),
  );
  rows.push(processRow('Berth process: berth validate --json', berthProcess.summary, berthProcess.last));

  let dclint: { summary: Summary; last: ProcessRun } | undefined;
  const dclintBin = join(ctx.repoRoot, 'node_modules', '.bin', 'dclint');
  if (skipDclint) notes.push('dclint skipped (--skip-dclint)');
  else if (!existsSync(dclintBin)) notes.push(`dclint not installed at ${relative(ctx.repoRoot, dclintBin)}`);
  else {
    // dclint takes every file in one call, as a user would run it. No warm-up:
    // it keeps no cache between runs and each run costs about a minute.
    dclint = await repeat(runs, 0, () => timeProcess(dclintBin, paths, { cwd: ctx.repoRoot, env: ctx.env }));
    rows.push(processRow('dclint process: dclint <files>', dclint.summary, dclint.last));
  }

  ctx.out(rowsTable(rows, paths.length));
  ctx.out('');

  const berthMs = berthProcess.summary.medianMs;
  const figures: BenchFigure[] = [];
  const limitRatio = inProcess.summary.medianMs / limit.summary.medianMs;
  figures.push({
    figure: 'Berth / bare parse (in-process, same threads; median)',
    value: `${limitRatio.toFixed(2)}x`,
    goal: `<= ${GOAL_LIMIT}x`,
    met: limitRatio <= GOAL_LIMIT,
  });
  figures.push({
    figure: 'Berth process: berth validate --json (median)',
    value: `${(berthMs / 1000).toFixed(2)} s`,
    goal: '',
  });
  figures.push({
    figure: 'Berth process / bare parse process (median)',
    value: `${(berthMs / bareProcess.summary.medianMs).toFixed(2)}x`,
    goal: '',
  });
  figures.push({
    figure: 'Berth in-process: pool / one thread (median)',
    value: `${(inProcess.summary.medianMs / one.summary.medianMs).toFixed(2)}x`,
    goal: '',
  });
  if (dclint !== undefined) {
    const crash = crashOf(berthProcess.last);
    const ratio = dclint.summary.medianMs / berthMs;
    figures.push({
      figure: 'dclint / Berth, process vs process (median)',
      value: crash ? '- (Berth CLI crashed)' : `${ratio.toFixed(1)}x`,
      goal: `>= ${GOAL_DCLINT}x`,
      met: crash === undefined && ratio >= GOAL_DCLINT,
    });
    // The most any validator on this parser could show against dclint from the command line: a
    // process that only reads and parses. Below the goal, the goal is out of reach for Berth too.
    const ceiling = dclint.summary.medianMs / bareProcess.summary.medianMs;
    figures.push({
      figure: 'dclint / bare parse process (the ceiling on this parser; median)',
      value: `${ceiling.toFixed(1)}x`,
      goal: '',
    });
    if (ceiling < GOAL_DCLINT)
      notes.push(
        `the ${GOAL_DCLINT}x goal against dclint is above the ceiling: a process that only reads and parses the files with yaml (${(bareProcess.summary.medianMs / 1000).toFixed(2)} s) is ${ceiling.toFixed(1)}x dclint`,
      );
  }
  for (const f of figures) {
    const mark = f.met === undefined ? '' : f.met ? '  met' : '  NOT MET';
    ctx.out(`${f.figure.padEnd(56)} ${f.value.padStart(8)}${f.goal ? `   goal ${f.goal}${mark}` : ''}`);
  }
  if (build.diagnostics.length > 0)
    notes.push(`tsc reported ${build.diagnostics.length} type error(s); JavaScript emitted anyway`);
  for (const note of notes) ctx.out(`note: ${note}`);
  ctx.out(`results  ${writeResults(ctx.repoRoot, 'spec', figures)}`);
  return 0;
}
