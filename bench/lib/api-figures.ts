// The api bench's figures from its measurements, each beside its goal (pure: bench/api.test.ts).
import type { BenchFigure } from './results.js';
import type { LoadStats } from './stats.js';

export const RATES = [500, 2_000] as const;
export const GOALS = { cpuMs: 0.1, p99Ms: 5, idleMB: 80, loadedMB: 100 } as const;

export interface RateResult {
  rate: number;
  stats: LoadStats;
  cpuMsPerResponse: number;
  lagP99: number;
}

export interface Measured {
  idleKiB: number;
  afterKiB: number;
  loads: RateResult[];
}

export const toMB = (kib: number): number => (kib * 1024) / 1e6;
export const ms = (value: number, digits = 2): string =>
  Number.isFinite(value) ? `${value.toFixed(digits)} ms` : '-';

/** Each figure beside its goal: Berth's, the peer's for comparison, and Berth's own share. */
export function apiFigures(berth: Measured, peer: Measured, floorIdleKiB?: number): BenchFigure[] {
  const figures: BenchFigure[] = [];
  const at = (m: Measured, rate: number) => m.loads.find((l) => l.rate === rate);
  for (const rate of RATES) {
    const b = at(berth, rate);
    const p = at(peer, rate);
    if (!b || !p) continue;
    const label = `GET /api/v1/stacks at ${rate} req/s`;
    figures.push(
      {
        figure: `${label}: server CPU per response`,
        value: ms(b.cpuMsPerResponse, 3),
        goal: `< ${GOALS.cpuMs} ms`,
        met: b.cpuMsPerResponse < GOALS.cpuMs,
      },
      {
        figure: `${label}: bare node:http peer CPU per response`,
        value: ms(p.cpuMsPerResponse, 3),
        goal: '',
      },
      {
        figure: `${label}: Berth's own CPU per response (above the peer)`,
        value: ms(b.cpuMsPerResponse - p.cpuMsPerResponse, 3),
        goal: `< ${GOALS.cpuMs} ms`,
        met: b.cpuMsPerResponse - p.cpuMsPerResponse < GOALS.cpuMs,
      },
      {
        figure: `${label}: CPU per response vs the peer`,
        value: `${(b.cpuMsPerResponse / p.cpuMsPerResponse).toFixed(2)}x`,
        goal: '',
      },
      {
        figure: `${label}: p99 latency`,
        value: ms(b.stats.p99),
        goal: `< ${GOALS.p99Ms} ms`,
        met: b.stats.p99 < GOALS.p99Ms && b.stats.failed === 0,
      },
      { figure: `${label}: peer p99 latency`, value: ms(p.stats.p99), goal: '' },
    );
  }
  const mb = (kib: number) => `${toMB(kib).toFixed(1)} MB`;
  figures.push(
    {
      figure: 'RSS idle (restarted after setup, one request, 5 s)',
      value: mb(berth.idleKiB),
      goal: `< ${GOALS.idleMB} MB`,
      met: toMB(berth.idleKiB) < GOALS.idleMB,
    },
    {
      figure: 'RSS after the loads',
      value: mb(berth.afterKiB),
      goal: `< ${GOALS.loadedMB} MB`,
      met: toMB(berth.afterKiB) < GOALS.loadedMB,
    },
    {
      figure: 'peer RSS idle / after the loads',
      value: `${mb(peer.idleKiB)} / ${mb(peer.afterKiB)}`,
      goal: '',
    },
  );
  if (floorIdleKiB !== undefined) {
    figures.push({
      figure: "library floor RSS idle (Berth's libraries, each used once, no Berth code)",
      value: mb(floorIdleKiB),
      goal: '',
    });
  }
  return figures;
}
