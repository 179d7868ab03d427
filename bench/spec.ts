// Spec benchmark: how fast Berth validates the compose corpus, in-process and
// as a CLI, next to dclint linting the same files. It measures and prints;
// it never asserts, so a slow machine cannot fail a build with it.
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { builtinXBerthRegistry } from '../src/app/registry.js';
import { validatePaths } from '../src/compose/validate.js';
import { corpusRun, processRow, type Row, rowsTable } from './lib/corpus.js';
import { totalBytes } from './lib/files.js';
import { crashOf, type ProcessRun, timeProcess } from './lib/proc.js';
import { repeat, type Summary } from './lib/stats.js';
import { ratio } from './lib/table.js';
import type { BenchContext } from './lib/types.js';

const USAGE = `usage: npm run bench -- spec [--runs N] [--limit N] [--skip-dclint]
  --runs N       timed runs per measure, after one untimed warm-up for Berth (default 3)
  --limit N      only the first N corpus files (sorted by path)
  --skip-dclint  do not run dclint (it takes about a minute per run)
env: BERTH_CORPUS  corpus folder (default ../shared/corpus beside the repo; its compose/ subfolder is used when present)`;

export async function run(args: readonly string[], ctx: BenchContext): Promise<number> {
  const setup = corpusRun('spec', USAGE, args, ctx);
  if (typeof setup === 'number') return setup;
  const { runs, composeDir, paths } = setup;

  const berthEntry = existsSync(join(ctx.repoRoot, 'dist', 'cli', 'main.js')) ? 'dist' : 'src via tsx';
  ctx.out(`corpus   ${composeDir}`);
  ctx.out(`files    ${paths.length} (${(totalBytes(paths) / 1024).toFixed(0)} KiB)`);
  ctx.out(`runs     ${runs} timed per measure; node ${process.version}; berth CLI from ${berthEntry}`);
  ctx.out('');

  const rows: Row[] = [];
  const notes: string[] = [];

  // The registry the CLI uses, so both Berth measures do the same work.
  const options = { env: {}, registry: builtinXBerthRegistry() };
  const inProcess = await repeat(runs, 1, () => validatePaths(paths, options));
  const valid = inProcess.last.files.filter((file) => file.valid).length;
  rows.push({
    name: 'Berth in-process validatePaths()',
    summary: inProcess.summary,
    exit: '-',
    note: `${valid} valid, ${inProcess.last.files.length - valid} invalid`,
  });

  const berthArgs = [join(ctx.repoRoot, 'bin', 'berth.js'), 'validate', '--json', ...paths];
  const berthProcess = await repeat(runs, 1, () =>
    timeProcess(process.execPath, berthArgs, { cwd: ctx.repoRoot, env: ctx.env }),
  );
  rows.push(processRow('Berth process: berth validate --json', berthProcess.summary, berthProcess.last));

  let dclint: { summary: Summary; last: ProcessRun } | undefined;
  const dclintBin = join(ctx.repoRoot, 'node_modules', '.bin', 'dclint');
  if (setup.skipDclint) notes.push('dclint skipped (--skip-dclint)');
  else if (!existsSync(dclintBin)) notes.push(`dclint not installed at ${relative(ctx.repoRoot, dclintBin)}`);
  else {
    // dclint takes every file in one call, as a user would run it. No warm-up:
    // it keeps no cache between runs and each run costs about a minute.
    dclint = await repeat(runs, 0, () => timeProcess(dclintBin, paths, { cwd: ctx.repoRoot, env: ctx.env }));
    rows.push(processRow('dclint process: dclint <files>', dclint.summary, dclint.last));
  }

  ctx.out(rowsTable(rows, paths.length));
  ctx.out('');

  const berthCrash = crashOf(berthProcess.last);
  if (dclint !== undefined) {
    const dclintMs = dclint.summary.medianMs;
    const headline = berthCrash ? '- (Berth CLI crashed)' : ratio(dclintMs, berthProcess.summary.medianMs);
    ctx.out(`dclint / Berth, process vs process (median; goal >= 10x): ${headline}`);
    ctx.out(
      `dclint process / Berth in-process (median):               ${ratio(dclintMs, inProcess.summary.medianMs)}`,
    );
  }
  for (const note of notes) ctx.out(`note: ${note}`);
  return 0;
}

// Linters exit 1 when they find problems; only a crash is worth a note.
