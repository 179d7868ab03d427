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
