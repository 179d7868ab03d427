// `npm run bench -- readme`: rewrites the README's performance table from bench/results/*.json,
// the figures the last run of each bench wrote. Never measures anything itself.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseResults, renderPerfTable, replaceTable } from './lib/readme-table.js';
import type { BenchContext } from './lib/types.js';

/** The order of the table; benches not listed follow in name order. */
const ORDER = ['deploy', 'api', 'spec', 'cli', 'web', 'health', 'backup', 'audit'];

export async function run(args: readonly string[], ctx: BenchContext): Promise<number> {
  if (args.includes('--help')) {
    ctx.out('usage: npm run bench -- readme   (rewrites the README table from bench/results/*.json)');
    return 0;
  }
  const dir = join(ctx.repoRoot, 'bench', 'results');
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
  if (files.length === 0) {
    ctx.out(`no results in ${dir}: run a bench first (npm run bench -- deploy, api, spec, cli, web)`);
    return 1;
  }
  const rank = (name: string) => {
    const i = ORDER.indexOf(name);
    return i < 0 ? ORDER.length : i;
  };
  const results = files
    .map((f) => parseResults(join(dir, f), readFileSync(join(dir, f), 'utf8')))
    .sort((a, b) => rank(a.bench) - rank(b.bench) || a.bench.localeCompare(b.bench));
  const readmePath = join(ctx.repoRoot, 'README.md');
  const table = renderPerfTable(results);
  writeFileSync(readmePath, replaceTable(readFileSync(readmePath, 'utf8'), table));
  ctx.out(table);
  ctx.out(`\nREADME.md updated from ${results.length} result files`);
  return 0;
}
