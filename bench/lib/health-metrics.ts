// Prometheus text exposition, read the way the health benchmark needs it: one label-less histogram
// (cumulative buckets, subtracted between two scrapes) and one gauge's series. Quantiles are
// interpolated within a bucket as Prometheus' histogram_quantile does: bucket resolution, not exact.

/** Cumulative counts per upper bound, ascending; the last bound is +Infinity (the total). */
export interface Histogram {
  readonly bounds: readonly number[];
  readonly counts: readonly number[];
  readonly sum: number;
}

interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

const number = (text: string): number =>
  text === '+Inf' ? Number.POSITIVE_INFINITY : text === '-Inf' ? Number.NEGATIVE_INFINITY : Number(text);

/** Every sample of the metric named exactly `name` (comments and other metrics skipped). */
export function samples(text: string, name: string): Sample[] {
  const found: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line.trim());
    if (m === null || m[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (m[2] ?? '').matchAll(LABEL)) {
      if (key !== undefined && value !== undefined) labels[key] = value.replace(/\\(.)/g, '$1');
    }
    found.push({ labels, value: number(m[3] ?? '') });
  }
  return found;
}

/** The histogram `name` (its `_bucket` and `_sum` series); undefined when it is not exposed. */
export function parseHistogram(text: string, name: string): Histogram | undefined {
  const buckets = samples(text, `${name}_bucket`)
    .map((s) => ({ le: number(s.labels.le ?? ''), count: s.value }))
    .filter((b) => !Number.isNaN(b.le))
    .sort((a, b) => a.le - b.le);
  if (buckets.length === 0 || buckets.at(-1)?.le !== Number.POSITIVE_INFINITY) return undefined;
  const sum = samples(text, `${name}_sum`)[0]?.value ?? Number.NaN;
  return { bounds: buckets.map((b) => b.le), counts: buckets.map((b) => b.count), sum };
}

/** What was observed between two scrapes of the same histogram. */
export function histogramDelta(end: Histogram, start: Histogram): Histogram {
  if (end.bounds.join() !== start.bounds.join()) throw new Error('histogram buckets changed between scrapes');
  return {
    bounds: end.bounds,
    counts: end.counts.map((c, i) => c - (start.counts[i] ?? 0)),
    sum: end.sum - start.sum,
  };
}

/** A histogram of `values` in the given finite upper bounds (+Infinity is added). */
export function histogramOf(values: readonly number[], finiteBounds: readonly number[]): Histogram {
  const bounds = [...finiteBounds, Number.POSITIVE_INFINITY];
  const counts = bounds.map((le) => values.filter((v) => v <= le).length);
  return { bounds, counts, sum: values.reduce((a, b) => a + b, 0) };
}

export const total = (h: Histogram): number => h.counts.at(-1) ?? 0;

/**
 * The q-quantile (0..1), linear within its bucket from the previous bound (0 for the first);
 * NaN when empty. In the +Inf bucket it is the highest finite bound, with `beyond` set.
 */
export function quantile(h: Histogram, q: number): { value: number; beyond: boolean } {
  const count = total(h);
  if (count <= 0) return { value: Number.NaN, beyond: false };
  const rank = q * count;
  const i = h.counts.findIndex((c) => c >= rank);
  const le = h.bounds[i] ?? Number.POSITIVE_INFINITY;
  if (le === Number.POSITIVE_INFINITY) return { value: h.bounds.at(-2) ?? Number.NaN, beyond: true };
  const lower = i === 0 ? 0 : (h.bounds[i - 1] ?? 0);
  const below = i === 0 ? 0 : (h.counts[i - 1] ?? 0);
  const inBucket = (h.counts[i] ?? 0) - below;
  const value = inBucket <= 0 ? le : lower + ((le - lower) * (rank - below)) / inBucket;
  return { value, beyond: false };
}

/** The upper bound of the highest bucket anything fell in (Infinity: beyond the last finite one). */
export function maxBucket(h: Histogram): number | undefined {
  for (let i = h.counts.length - 1; i >= 0; i--) {
    const below = i === 0 ? 0 : (h.counts[i - 1] ?? 0);
    if ((h.counts[i] ?? 0) - below > 0) return h.bounds[i];
  }
  return undefined;
}
