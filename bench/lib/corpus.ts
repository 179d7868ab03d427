import { join } from 'node:path';
import { parseArgs, positiveInt } from './args.js';
import { findFiles, isDirectory } from './files.js';
import { crashOf, type ProcessRun } from './proc.js';
import type { Summary } from './stats.js';
import { formatTable, perSecond, seconds } from './table.js';
import type { BenchContext } from './types.js';

export interface CorpusRun {
  readonly runs: number;
  readonly composeDir: string;
  readonly paths: string[];
  readonly skipDclint: boolean;
}

/**
 * The common arguments of the corpus benchmarks (`--runs N --limit N --skip-dclint`) and the corpus
 * files; or the exit code when the command line or the corpus is not usable.
 */
export function corpusRun(
  name: string,
  usage: string,
  args: readonly string[],
  ctx: BenchContext,
): CorpusRun | number {
  const parsed = parseArgs(args, { flags: ['--skip-dclint', '--help'], values: ['--runs', '--limit'] });
  const runs = positiveInt(parsed.values.get('--runs'), 3);
  const limit = positiveInt(parsed.values.get('--limit'), Number.POSITIVE_INFINITY);
  if (parsed.flags.has('--help')) {
    ctx.out(usage);
    return 0;
  }
  if (
    parsed.unknown.length > 0 ||
    parsed.positional.length > 0 ||
    runs === undefined ||
    limit === undefined
  ) {
    process.stderr.write(`${usage}\n`);
    return 2;
  }
  const corpus = ctx.env.BERTH_CORPUS ?? join(ctx.repoRoot, '..', 'shared', 'corpus');
  const composeDir = isDirectory(join(corpus, 'compose')) ? join(corpus, 'compose') : corpus;
  if (!isDirectory(composeDir)) {
    process.stderr.write(`${name} bench: no corpus at ${composeDir} (set BERTH_CORPUS)\n`);
    return 1;
  }
  const paths = findFiles(composeDir, (file) => /\.ya?ml$/.test(file)).slice(0, limit);
  if (paths.length === 0) {
    process.stderr.write(`${name} bench: no .yml/.yaml file under ${composeDir}\n`);
    return 1;
  }
  return { runs, composeDir, paths, skipDclint: parsed.flags.has('--skip-dclint') };
}

/** One line of a corpus benchmark's table. */
export interface Row {
  name: string;
  summary: Summary;
  exit: string;
  note: string;
}

/** A row for a timed process: its exit, and whether it crashed (dclint does, on one corpus file). */
export function processRow(name: string, summary: Summary, last: ProcessRun): Row {
  const crash = crashOf(last);
  return {
    name,
    summary,
    exit: last.signal ?? String(last.code),
    note: crash
      ? `CRASHED: ${crash.slice(0, 100)}`
      : `${(last.stdout.length / 1024).toFixed(0)} KiB of output`,
  };
}

/** The table every corpus benchmark prints. */
export function rowsTable(rows: readonly Row[], files: number): string {
  return formatTable(
    ['measure', 'runs', 'best s', 'median s', 'files/s', 'exit', 'note'],
    rows.map((row) => [
      row.name,
      String(row.summary.runs),
      seconds(row.summary.bestMs),
      seconds(row.summary.medianMs),
      perSecond(files, row.summary.medianMs),
      row.exit,
      row.note,
    ]),
    ['left', 'right', 'right', 'right', 'right', 'right', 'left'],
  );
}
