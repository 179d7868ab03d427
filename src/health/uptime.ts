/**
 * Uptime history in buckets: each probe result is added to the hour it falls in (UTC), and hours
 * roll up into days, so a page of many probes reads a few hundred rows instead of every result.
 * Uptime over a period is the share of successful results in the buckets it covers. Pure.
 */

export interface Bucket {
  /** The bucket's start, ms since the epoch (a whole UTC hour or day). */
  readonly start: number;
  readonly ok: number;
  readonly total: number;
  /** Sum of response times of the results that had one (ms), and how many had one. */
  readonly latencySumMs: number;
  readonly latencyCount: number;
}

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export const hourOf = (t: number): number => Math.floor(t / HOUR_MS) * HOUR_MS;
export const dayOf = (t: number): number => Math.floor(t / DAY_MS) * DAY_MS;

/** The bucket with one more result (a new bucket when `bucket` is undefined). */
export function addResult(
  bucket: Bucket | undefined,
  start: number,
  result: { readonly ok: boolean; readonly latencyMs?: number },
): Bucket {
  const b = bucket ?? { start, ok: 0, total: 0, latencySumMs: 0, latencyCount: 0 };
  const timed = result.latencyMs !== undefined && Number.isFinite(result.latencyMs);
  return {
    start: b.start,
    ok: b.ok + (result.ok ? 1 : 0),
    total: b.total + 1,
    latencySumMs: b.latencySumMs + (timed ? (result.latencyMs ?? 0) : 0),
    latencyCount: b.latencyCount + (timed ? 1 : 0),
  };
}

/** Hourly buckets rolled up into daily ones, oldest first. */
export function rollUp(hours: readonly Bucket[]): Bucket[] {
  const days = new Map<number, Bucket>();
  for (const h of hours) {
    const day = dayOf(h.start);
    const d = days.get(day) ?? { start: day, ok: 0, total: 0, latencySumMs: 0, latencyCount: 0 };
    days.set(day, {
      start: day,
      ok: d.ok + h.ok,
      total: d.total + h.total,
      latencySumMs: d.latencySumMs + h.latencySumMs,
      latencyCount: d.latencyCount + h.latencyCount,
    });
  }
  return [...days.values()].sort((a, b) => a.start - b.start);
}

export interface Uptime {
  /** 0..1; undefined when the period has no result (unknown is not 100%). */
  readonly ratio?: number;
  readonly total: number;
  readonly meanLatencyMs?: number;
}

/**
 * Uptime over the `periodMs` before `now`, from buckets of `sizeMs`: a bucket counts when it starts
 * inside the period, so the answer is exact to the bucket (24 h from hours covers the last 23 whole
 * hours and the current one; 7 and 30 days come from days).
 */
export function uptime(buckets: readonly Bucket[], now: number, periodMs: number, sizeMs: number): Uptime {
  const from = Math.floor((now - periodMs) / sizeMs) * sizeMs + sizeMs;
  let ok = 0;
  let total = 0;
  let latency = 0;
  let timed = 0;
  for (const b of buckets) {
    if (b.start < from || b.start > now) continue;
    ok += b.ok;
    total += b.total;
    latency += b.latencySumMs;
    timed += b.latencyCount;
  }
  return {
    total,
    ...(total > 0 ? { ratio: ok / total } : {}),
    ...(timed > 0 ? { meanLatencyMs: latency / timed } : {}),
  };
}

/** `99.95%`; `-` when unknown. Rounds down, so 99.96 never shows as 100%. */
export function formatUptime(u: Uptime): string {
  if (u.ratio === undefined) return '-';
  const pct = Math.floor(u.ratio * 10_000) / 100;
  return `${pct.toFixed(2)}%`;
}

/** Which buckets are past retention (start older than `keepMs` before `now`). */
export function expired(buckets: readonly Bucket[], now: number, keepMs: number): Bucket[] {
  return buckets.filter((b) => b.start < now - keepMs);
}
