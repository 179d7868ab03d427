// Audit benchmark: `berth audit` over the compose corpus, each file as one stack of a single estate,
// in-process and as a CLI process, next to dclint linting the same files in the same run. It
// measures and prints (times, the ratio, findings per rule); it never asserts.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { builtinXBerthRegistry } from '../src/app/registry.js';
import { type AuditRun, auditPath } from '../src/audit/index.js';
import { corpusRun, processRow, type Row, rowsTable } from './lib/corpus.js';
import { totalBytes } from './lib/files.js';
import { crashOf, type ProcessRun, timeProcess } from './lib/proc.js';
import { repeat, type Summary } from './lib/stats.js';
import { formatTable, ratio } from './lib/table.js';
import type { BenchContext } from './lib/types.js';

const USAGE = `usage: npm run bench -- audit [--runs N] [--limit N] [--skip-dclint]
  --runs N       timed runs per measure, after one untimed warm-up for Berth (default 3)
  --limit N      only the first N corpus files (sorted by path)
  --skip-dclint  do not run dclint (it takes about a minute per run)
Each corpus file is copied to <tmp>/<nnnn>-<folder>-<name>/compose.yaml, so Berth audits the
corpus as one estate (one stack per file) with one call; dclint lints the original files.
env: BERTH_CORPUS  corpus folder (default ../shared/corpus beside the repo; its compose/ subfolder is used when present)`;

/** One stack folder per corpus file: the estate layout `<stack>/compose.yaml`. */
function buildEstate(paths: readonly string[], composeDir: string): string {
  const root = mkdtempSync(join(tmpdir(), 'berth-bench-audit-'));
  paths.forEach((path, i) => {
    const from = relative(composeDir, path);
    const stem = `${dirname(from)}-${basename(from).replace(/\.ya?ml$/, '')}`
      .toLowerCase()
      .replace(/[^a-z0-9_-]+/g, '-');
    const dir = join(root, `${String(i).padStart(4, '0')}-${stem}`);
    mkdirSync(dir);
    copyFileSync(path, join(dir, 'compose.yaml'));
  });
  return root;
}

export async function run(args: readonly string[], ctx: BenchContext): Promise<number> {
  const setup = corpusRun('audit', USAGE, args, ctx);
  if (typeof setup === 'number') return setup;
  const { runs, composeDir, paths } = setup;

  const estate = buildEstate(paths, composeDir);
  try {
    return await measure(ctx, {
      paths,
      composeDir,
      estate,
      runs,
      skipDclint: setup.skipDclint,
    });
  } finally {
    rmSync(estate, { recursive: true, force: true });
  }
}

async function measure(
  ctx: BenchContext,
  o: { paths: string[]; composeDir: string; estate: string; runs: number; skipDclint: boolean },
): Promise<number> {
  const berthEntry = existsSync(join(ctx.repoRoot, 'dist', 'cli', 'main.js')) ? 'dist' : 'src via tsx';
  ctx.out(`corpus   ${o.composeDir}`);
  ctx.out(
    `files    ${o.paths.length} (${(totalBytes(o.paths) / 1024).toFixed(0)} KiB), one stack each in ${o.estate}`,
  );
  ctx.out(`runs     ${o.runs} timed per measure; node ${process.version}; berth CLI from ${berthEntry}`);
  ctx.out('');

  // Both Berth measures see the same environment, so interpolation does the same work.
  const env = { PATH: ctx.env.PATH ?? '' };
  const rows: Row[] = [];
  const notes: string[] = [];

  const inProcess = await repeat(o.runs, 1, () =>
    auditPath({
      path: o.estate,
      load: { env, registry: builtinXBerthRegistry() },
      failOn: 'high',
      date: new Date(),
      version: 'bench',
    }),
  );
  const audit = inProcess.last;
  rows.push({
    name: 'Berth in-process auditPath()',
    summary: inProcess.summary,
    exit: '-',
    note: `${audit.snapshot.stacks.length} stacks audited, ${audit.unreadable.length} diagnostics of unreadable ones`,
  });

  const berthArgs = [join(ctx.repoRoot, 'bin', 'berth.js'), 'audit', o.estate, '--format', 'json'];
  const berthProcess = await repeat(o.runs, 1, () =>
    timeProcess(process.execPath, berthArgs, { cwd: ctx.repoRoot, env }),
  );
  rows.push(
    processRow('Berth process: berth audit --format json <estate>', berthProcess.summary, berthProcess.last),
  );

  let dclint: { summary: Summary; last: ProcessRun } | undefined;
  const dclintBin = join(ctx.repoRoot, 'node_modules', '.bin', 'dclint');
  if (o.skipDclint) notes.push('dclint skipped (--skip-dclint)');
  else if (!existsSync(dclintBin)) notes.push(`dclint not installed at ${relative(ctx.repoRoot, dclintBin)}`);
  else {
    // As in the spec bench: every file in one call, no warm-up (dclint keeps no cache).
    dclint = await repeat(o.runs, 0, () =>
      timeProcess(dclintBin, o.paths, { cwd: ctx.repoRoot, env: ctx.env }),
    );
    rows.push(processRow('dclint process: dclint <files>', dclint.summary, dclint.last));
  }

  ctx.out(rowsTable(rows, o.paths.length));
  ctx.out('');

  if (dclint !== undefined) {
    const dclintMs = dclint.summary.medianMs;
    const crash = crashOf(berthProcess.last);
    const headline = crash ? '- (Berth CLI crashed)' : ratio(dclintMs, berthProcess.summary.medianMs);
    ctx.out(`dclint / Berth, process vs process (median; goal >= 10x): ${headline}`);
    ctx.out(
      `dclint process / Berth in-process (median):               ${ratio(dclintMs, inProcess.summary.medianMs)}`,
    );
    ctx.out('');
  }
  ctx.out(findingsTable(audit));
  for (const note of notes) ctx.out(`note: ${note}`);
  return 0;
}

/** Findings per rule over the corpus (suppressed ones included: the corpus has none). */
function findingsTable(audit: AuditRun): string {
  const counts = new Map<string, { severity: string; n: number }>();
  for (const rule of audit.report.rules) counts.set(rule.id, { severity: rule.severity, n: 0 });
  for (const f of [...audit.result.findings, ...audit.result.suppressed]) {
    const entry = counts.get(f.rule);
    if (entry) entry.n++;
  }
  const rows = [...counts]
    .sort(([a, x], [b, y]) => y.n - x.n || a.localeCompare(b))
    .map(([rule, { severity, n }]) => [rule, severity, String(n)]);
  const skipped = audit.result.skipped.map((s) => `${s.rule} (${s.why})`);
  const total = audit.result.findings.length + audit.result.suppressed.length;
  return [
    `findings per rule over the corpus: ${total} in all`,
    formatTable(['rule', 'severity', 'findings'], rows, ['left', 'left', 'right']),
    ...(skipped.length > 0 ? ['', `not run: ${skipped.join('; ')}`] : []),
  ].join('\n');
}

// Linters exit 1 when they find problems; only a crash is worth a note.
