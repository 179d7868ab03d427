import { performance } from 'node:perf_hooks';

export interface Summary {
  runs: number;
  bestMs: number;
  medianMs: number;
}

export function summarize(samplesMs: readonly number[]): Summary {
  if (samplesMs.length === 0) throw new Error('summarize: no samples');
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid] : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { runs: sorted.length, bestMs: sorted[0] ?? 0, medianMs: median ?? 0 };
}

export interface Timed<T> {
  ms: number;
  value: T;
}

export async function timeIt<T>(fn: () => Promise<T>): Promise<Timed<T>> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

// Runs fn `runs` times, after `warmups` untimed runs (JIT, module caches).
export async function repeat<T>(
  runs: number,
  warmups: number,
  fn: () => Promise<T>,
): Promise<{ summary: Summary; last: T }> {
  let last: T | undefined;
  for (let i = 0; i < warmups; i++) last = await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const timed = await timeIt(fn);
    samples.push(timed.ms);
    last = timed.value;
  }
  if (last === undefined) throw new Error('repeat: nothing ran');
  return { summary: summarize(samples), last };
}

/** Nearest-rank percentile of ascending `sorted` samples; NaN when there are none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

export interface LoadStats {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Requests per second actually sent. */
  rate: number;
  ok: number;
  failed: number;
}

/** Percentiles of ascending 2xx latencies, with the achieved rate and the count of failures. */
export function loadStats(sorted: readonly number[], rate: number, failed: number): LoadStats {
  const p = (q: number) => percentile(sorted, q);
  const max = sorted.at(-1) ?? Number.NaN;
  return { p50: p(50), p90: p(90), p99: p(99), max, rate, ok: sorted.length, failed };
}
