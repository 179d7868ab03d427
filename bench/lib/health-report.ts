// What the health benchmark prints: Berth next to its peer over the same window, the ratio
// Berth/peer, and the goals of issue 12 marked met or MISSED (measured, never asserted).
import { cpus } from 'node:os';
import { type Histogram, maxBucket, quantile, total } from './health-metrics.js';
import type { ProcMemory } from './serve.js';
import { percentile } from './stats.js';
import { formatTable } from './table.js';

export const GOAL_CPU_PERCENT = 15;
export const GOAL_P99_MS = 100;

export interface MonitorWindow {
  readonly cpuMs: number;
  readonly memory: ProcMemory;
  /** Berth when it logged `listening`, the peer when ready (its timers set). */
  readonly startup: ProcMemory;
  /** Scheduling lag, seconds, in Berth's buckets. */
  readonly lag: Histogram;
  /** Runs started in the window. */
  readonly runs: number;
  /** Requests the target answered on this monitor's paths in the window. */
  readonly answered: number;
}

export interface HealthMeasure {
  readonly windowMs: number;
  /** The machine's 1-minute load average at the start and the end of the window. */
  readonly load: readonly number[];
  /** The two GET /metrics around the window: how long each took, and the size of the last. */
  readonly scrapes: { readonly ms: readonly number[]; readonly bytes: number };
  readonly berth: MonitorWindow & { readonly up: number; readonly down: number };
  readonly peer: MonitorWindow & { readonly ok: number; readonly failed: number; readonly lagsMs: number[] };
}

export interface HealthSetup {
  readonly probes: number;
  readonly intervalS: number;
  readonly warmupS: number;
  readonly server: string;
  readonly stack: string;
  readonly deployMs: number;
  readonly watchedMs: number;
}

const mb = (kib: number): string => `${((kib * 1024) / 1e6).toFixed(1)} MB`;
const ms = (seconds: number): string =>
  Number.isFinite(seconds) ? `${(seconds * 1000).toFixed(2)} ms` : '-';
const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED');
/** Berth/peer to two decimals; '-' when the peer measured nothing. */
const ratio = (berth: number, peer: number): string =>
  peer > 0 && Number.isFinite(berth) ? `${(berth / peer).toFixed(2)}x` : '-';
const share = (cpuMs: number, windowMs: number): number => (100 * cpuMs) / windowMs;

function lagAt(h: Histogram, q: number): { text: string; seconds: number } {
  const { value, beyond } = quantile(h, q);
  return { text: `${beyond ? '> ' : ''}${ms(value)}`, seconds: value };
}

function highest(h: Histogram): string {
  const le = maxBucket(h);
  if (le === undefined) return '-';
  return le === Number.POSITIVE_INFINITY ? `> ${ms(h.bounds.at(-2) ?? Number.NaN)}` : `≤ ${ms(le)}`;
}

export function healthReport(m: HealthMeasure, s: HealthSetup): string[] {
  const windowS = m.windowMs / 1000;
  const expected = Math.round((s.probes * m.windowMs) / (s.intervalS * 1000));
  const cpu = { berth: share(m.berth.cpuMs, m.windowMs), peer: share(m.peer.cpuMs, m.windowMs) };
  const p50 = { berth: lagAt(m.berth.lag, 0.5), peer: lagAt(m.peer.lag, 0.5) };
  const p99 = { berth: lagAt(m.berth.lag, 0.99), peer: lagAt(m.peer.lag, 0.99) };
  const sorted = [...m.peer.lagsMs].sort((a, b) => a - b);
  const exact = (q: number) => `${percentile(sorted, q).toFixed(2)} ms`;
  const unknown = s.probes - m.berth.up - m.berth.down;
  const rows: string[][] = [
    [
      'CPU, share of one core',
      `${cpu.berth.toFixed(2)}%`,
      `${cpu.peer.toFixed(2)}%`,
      ratio(cpu.berth, cpu.peer),
      `< ${GOAL_CPU_PERCENT}%: ${verdict(cpu.berth < GOAL_CPU_PERCENT)}`,
    ],
    [
      'CPU time (user + system)',
      `${m.berth.cpuMs} ms`,
      `${m.peer.cpuMs} ms`,
      ratio(m.berth.cpuMs, m.peer.cpuMs),
      '',
    ],
    [
      'scheduling lag p50',
      p50.berth.text,
      p50.peer.text,
      ratio(p50.berth.seconds, p50.peer.seconds),
      'bucket-interpolated',
    ],
    [
      'scheduling lag p99',
      p99.berth.text,
      p99.peer.text,
      ratio(p99.berth.seconds, p99.peer.seconds),
      `< ${GOAL_P99_MS} ms: ${verdict(p99.berth.seconds * 1000 < GOAL_P99_MS)}`,
    ],
    [
      'scheduling lag, highest bucket',
      highest(m.berth.lag),
      highest(m.peer.lag),
      '',
      'the max, to the bucket',
    ],
    [
      'peer lag, exact p50 / p99 / max',
      '-',
      `${exact(50)} / ${exact(99)} / ${exact(100)}`,
      '',
      'from its samples',
    ],
    [
      'runs started',
      String(m.berth.runs),
      String(m.peer.runs),
      ratio(m.berth.runs, m.peer.runs),
      `expected ${expected} (${s.probes} × ${windowS.toFixed(1)} s / ${s.intervalS} s)`,
    ],
    ['requests the target answered', String(m.berth.answered), String(m.peer.answered), '', 'same window'],
    [
      'failures',
      `${m.berth.down} down${unknown > 0 ? `, ${unknown} unknown` : ''}`,
      `${m.peer.failed} of ${m.peer.ok + m.peer.failed} runs`,
      '',
      'Berth: berth_probe_up == 0 at the end',
    ],
    [
      'RSS when started',
      mb(m.berth.startup.rssKiB),
      mb(m.peer.startup.rssKiB),
      ratio(m.berth.startup.rssKiB, m.peer.startup.rssKiB),
      'Berth listening, the peer ready',
    ],
    [
      'RSS at the end',
      mb(m.berth.memory.rssKiB),
      mb(m.peer.memory.rssKiB),
      ratio(m.berth.memory.rssKiB, m.peer.memory.rssKiB),
      'VmRSS',
    ],
    [
      'peak RSS',
      mb(m.berth.memory.hwmKiB),
      mb(m.peer.memory.hwmKiB),
      ratio(m.berth.memory.hwmKiB, m.peer.memory.hwmKiB),
      'VmHWM, since start',
    ],
  ];
  return [
    `probes    ${s.probes} http probes (GET, 2 s limit, [STATUS] == 200) every ${s.intervalS} s on one service of ${s.stack}, answered by node:http in this process`,
    `berth     ${s.server}; deployed by berth --local up in ${(s.deployMs / 1000).toFixed(1)} s, all probes watched ${(s.watchedMs / 1000).toFixed(1)} s after start`,
    `peer      bare node ${process.version} script: one setInterval per probe at Berth's spread, http.get with agent: false, 2 s limit, results only counted`,
    `window    ${windowS.toFixed(1)} s, both at once, after a ${s.warmupS} s warm-up (begun once every probe was watched)`,
    `machine   ${cpus().length} cores, 1-minute load average ${m.load.map((l) => l.toFixed(2)).join(' → ')} over the window (others' work included)`,
    '',
    formatTable(['measure', 'Berth', 'peer', 'Berth/peer', 'goal / note'], rows, [
      'left',
      'right',
      'right',
      'right',
      'left',
    ]),
    '',
    'CPU: utime + stime of each process from /proc/<pid>/stat over the window (10 ms ticks), divided by the window.',
    "Scheduling lag: how late a run starts after it is due. Berth's from its berth_probe_schedule_lag_seconds",
    "histogram (delta of two /metrics scrapes; ms-resolution clock), the peer's from its own samples put in the",
    'same buckets; p50/p99 interpolated linearly within a bucket (Prometheus histogram_quantile), so only as',
    `exact as the buckets (${m.berth.lag.bounds
      .slice(0, -1)
      .map((b) => b * 1000)
      .join(', ')} ms). ${total(m.berth.lag)} Berth and ${total(m.peer.lag)} peer samples.`,
    `GET /metrics took ${m.scrapes.ms.map((t) => `${t.toFixed(0)} ms`).join(' and ')} (${(m.scrapes.bytes / 1e6).toFixed(2)} MB) at the start and the end:`,
    'outside the CPU window, but probe runs due while the first one is served start late and count in the lag.',
    'RSS: /proc/<pid>/status at the end of the window; 1 MB = 10^6 bytes. The peer keeps no state, no',
    'history and no metrics: it is the least any monitor must pay, not a monitor.',
  ];
}
