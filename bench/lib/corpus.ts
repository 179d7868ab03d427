import { join } from 'node:path';
import { parseArgs, positiveInt } from './args.js';
import { findFiles, isDirectory } from './files.js';
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
