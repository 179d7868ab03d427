// The figures a benchmark run produced, written to bench/results/<bench>.json so the README's
// performance table is generated from a real run (`npm run bench -- readme`), never typed by hand.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { formatTable } from './table.js';

/** One measured figure beside its goal. `met` is undefined when the figure has no goal. */
export interface BenchFigure {
  /** What was measured, e.g. "GET /api/v1/stacks: server CPU per response". */
  figure: string;
  /** The measured value as shown, e.g. "0.08 ms" or "0.54x docker-compose". */
  value: string;
  /** The goal as shown, e.g. "< 0.1 ms"; empty when there is none. */
  goal: string;
  met?: boolean;
}

export interface BenchResults {
  bench: string;
  /** ISO time of the run. */
  at: string;
  machine: { cores: number; model: string; node: string; load1: number };
  figures: BenchFigure[];
}

/** Writes bench/results/<bench>.json and returns the path. */
export function writeResults(repoRoot: string, bench: string, figures: readonly BenchFigure[]): string {
  const dir = join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const cpu = cpus();
  const results: BenchResults = {
    bench,
    at: new Date().toISOString(),
    machine: {
      cores: cpu.length,
      model: cpu[0]?.model ?? 'unknown',
      node: process.version,
      load1: Number((loadavg()[0] ?? 0).toFixed(2)),
    },
    figures: [...figures],
  };
  const path = join(dir, `${bench}.json`);
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
}

/** The figures as printed by a bench: each beside its goal, and whether it is met. */
export function figuresTable(figures: readonly BenchFigure[]): string {
  return formatTable(
    ['figure', 'value', 'goal', ''],
    figures.map((f) => [f.figure, f.value, f.goal, f.met === undefined ? '' : f.met ? 'met' : 'MISSED']),
    ['left', 'right', 'left', 'left'],
  );
}
