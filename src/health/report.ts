import type { NotRunning, ProbeView } from '../api/health.js';
import type { ProbeRecord, StoredBucket } from '../store/index.js';
import { notRunningView, type StackRun } from './stack-run.js';
import { DAY_MS, HOUR_MS } from './uptime.js';

/**
 * The health view of probes from what the store keeps: each probe's state with its uptime over
 * 24 hours (from hourly buckets) and 7 and 30 days (from daily ones). Pure. A probe that does not
 * run any more keeps its buckets (they age out by retention): a stopped one still shows the uptime
 * its counted results made.
 */

const keyOf = (k: { stack: string; service: string; probe: string }) => `${k.stack}/${k.service}/${k.probe}`;

export const UPTIME_PERIODS = {
  '24h': { periodMs: DAY_MS, size: 'hour', sizeMs: HOUR_MS },
  '7d': { periodMs: 7 * DAY_MS, size: 'day', sizeMs: DAY_MS },
  '30d': { periodMs: 30 * DAY_MS, size: 'day', sizeMs: DAY_MS },
} as const;
export type UptimePeriod = keyof typeof UPTIME_PERIODS;

/**
 * Where a period's buckets start: a bucket counts when it starts inside the period, so uptime is
 * exact to the bucket (24 h covers the last 23 whole hours and the current one).
 */
export function periodStart(period: UptimePeriod, now: number): number {
  const { periodMs, sizeMs } = UPTIME_PERIODS[period];
  return Math.floor((now - periodMs) / sizeMs) * sizeMs + sizeMs;
}

export interface ReportInput {
  readonly states: readonly ProbeRecord[];
  /** Per probe, the sums of its buckets since `periodStart` of each period. */
  readonly totals: Readonly<Record<UptimePeriod, readonly StoredBucket[]>>;
  /** The type of each watched probe by key. */
  readonly types: ReadonlyMap<string, string>;
  /**
   * The probes the stacks' files declare: one without a kept state has not run yet (since its
   * service got a container) and is listed as `pending`, not left out.
   */
  readonly declared?: readonly { readonly stack: string; readonly service: string; readonly probe: string }[];
  /** Whether each stack of `declared` runs (stack-run.ts): a declared probe of one that runs nothing is not pending. */
  readonly runs?: ReadonlyMap<string, StackRun>;
}

/** The status of a declared probe without a kept state: why it has not run. */
function idleStatus(run: StackRun | undefined): 'pending' | 'stopped' | 'not-running' {
  if (run?.state === 'stopped') return 'stopped';
  if (run?.state === 'not-running') return 'not-running';
  return 'pending';
}

const byKey = (a: { stack: string; service: string; probe: string }, b: typeof a) =>
  a.stack.localeCompare(b.stack) || a.service.localeCompare(b.service) || a.probe.localeCompare(b.probe);

export function healthViews(input: ReportInput): ProbeView[] {
  const index = (buckets: readonly StoredBucket[]) => new Map(buckets.map((b) => [keyOf(b), b]));
  const day = index(input.totals['24h']);
  const week = index(input.totals['7d']);
  const month = index(input.totals['30d']);
  const share = (b: StoredBucket | undefined) => (b && b.total > 0 ? b.ok / b.total : null);
  const kept = new Set(input.states.map(keyOf));
  const pending = (input.declared ?? [])
    .filter((d) => !kept.has(keyOf(d)))
    .map((d) => {
      const run = input.runs?.get(d.stack);
      const notRunning = run === undefined ? undefined : notRunningView(d.stack, run);
      return {
        stack: d.stack,
        service: d.service,
        probe: d.probe,
        status: idleStatus(run),
        flapping: false,
        ...(notRunning ? { notRunning } : {}),
      };
    });
  const rows: readonly (Pick<ProbeRecord, 'stack' | 'service' | 'probe' | 'flapping' | 'since' | 'last'> & {
    readonly status: ProbeView['status'];
    readonly notRunning?: NotRunning;
  })[] = pending.length === 0 ? input.states : [...input.states, ...pending].sort(byKey);
  return rows.map((s) => {
    const k = keyOf(s);
    const today = day.get(k);
    const type = input.types.get(k);
    return {
      stack: s.stack,
      service: s.service,
      probe: s.probe,
      ...(type !== undefined ? { type } : {}),
      status: s.status,
      ...(s.since !== undefined ? { since: s.since } : {}),
      flapping: s.flapping,
      watched: type !== undefined,
      ...(s.last !== undefined ? { last: s.last } : {}),
      uptime: { '24h': share(today), '7d': share(week.get(k)), '30d': share(month.get(k)) },
      ...(today && today.latencyCount > 0
        ? { meanLatencyMs: Math.round((today.latencySumMs / today.latencyCount) * 10) / 10 }
        : {}),
      ...(s.notRunning ? { notRunning: s.notRunning } : {}),
    };
  });
}
