import type { ContainerInfo } from '../engine/types.js';
import {
  type GateObservation,
  type GateState,
  type GateVerdict,
  type MissingObservation,
  observe,
} from '../health/index.js';

/*
 * The deploy's health gate for a service with a healthcheck: Berth runs the check itself (see
 * probe.ts) and the gate passes the moment one run exits 0 while the container runs as it started
 * (no restart). Docker's own status still counts both ways: `healthy` passes too, and `unhealthy`
 * (Docker's retries, after its start period) fails, as do an exit, a crash loop, a removal and
 * the deadline. Berth's failed runs never fail the gate on their own: the service is not ready
 * yet, which is why failures during the start period cannot count against it. Pure.
 */

/** One run of the healthcheck by Berth. */
export interface CheckRun {
  /** When it ended, ms since the epoch. */
  readonly at: number;
  /** Its exit code; -1 when it ran out of time or could not be run (as Docker records those). */
  readonly exitCode: number;
  readonly output: string;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.max(0, Math.round(ms))}ms` : `${(ms / 1000).toFixed(1)}s`;
}

/** Docker's status as the progress and pass lines show it. */
export function dockerStatus(next: GateObservation): string {
  return next.info.health === undefined ? 'Docker: no health status' : `Docker: ${next.info.health.status}`;
}

function runsAsStarted(
  state: GateState,
  next: GateObservation | MissingObservation,
): next is GateObservation {
  return (
    !('missing' in next) &&
    next.info.id === state.containerId &&
    next.info.state === 'running' &&
    next.info.restartCount === state.baselineRestarts
  );
}

/**
 * The gate's next verdict from a look at the container and Berth's latest run of its check (if
 * any). A decided gate never changes its mind. A run that passed counts only when the container
 * still runs, unrestarted, at the look that follows it: the caller looks after each run ends.
 */
export function observeReady(
  state: GateState,
  next: GateObservation | MissingObservation,
  check?: CheckRun,
): { state: GateState; verdict: GateVerdict } {
  if (state.decided !== undefined) return { state, verdict: state.decided };
  const ran = check !== undefined && check.at >= state.startedAt ? check : undefined;
  if (ran?.exitCode === 0 && runsAsStarted(state, next)) {
    const verdict: GateVerdict = {
      state: 'passed',
      detail: `its healthcheck passed ${seconds(ran.at - state.startedAt)} after the gate started (${dockerStatus(next)})`,
    };
    return { state: { ...state, lastCheck: { exitCode: 0, output: ran.output }, decided: verdict }, verdict };
  }
  // Berth's failed run is the latest output to show until Docker's log has its own.
  const withRun: GateState =
    ran === undefined ? state : { ...state, lastCheck: { exitCode: ran.exitCode, output: ran.output } };
  const result = observe(withRun, next);
  if (result.verdict.state !== 'pending' || ran === undefined || 'missing' in next) return result;
  // The exit code only: progress reaches every role, what the check printed only operators
  // (the failure's health output).
  return {
    state: result.state,
    verdict: { state: 'pending', detail: `${result.verdict.detail}; Berth's check: exit ${ran.exitCode}` },
  };
}

/** Docker's healthcheck interval when the check leaves it out. */
export const DOCKER_CHECK_INTERVAL_MS = 30_000;

/**
 * For `service_healthy` on a dependency a deploy leaves alone: the pass Berth saw when a deploy
 * gated this very container run (`readyAt`, ms since the epoch) still counts while Docker has not
 * decided yet (`starting`) and less than one of Docker's check intervals has gone by since (the
 * time Docker itself takes to run the check again; `start_interval` when shorter). It no longer
 * counts after a restart, a stop, Docker's `unhealthy` or healthy, a failed Docker run since the
 * pass, or past that interval: then the check is run again. Pure.
 */
export function recentPassHolds(info: ContainerInfo, readyAt: number | undefined, now: number): boolean {
  if (readyAt === undefined || info.state !== 'running' || info.health?.status !== 'starting') return false;
  const started = info.startedAt === null ? Number.NaN : Date.parse(info.startedAt);
  if (!(started <= readyAt) || now < readyAt) return false;
  const failedSince = info.health.log.some((entry) => {
    const end = Date.parse(entry.end);
    return entry.exitCode !== 0 && !(end < readyAt);
  });
  if (failedSince) return false;
  const check = info.healthcheck;
  const intervals = [check?.intervalMs, check?.startIntervalMs].filter(
    (ms): ms is number => ms !== undefined && ms > 0,
  );
  const window = intervals.length > 0 ? Math.min(...intervals) : DOCKER_CHECK_INTERVAL_MS;
  return now - readyAt < window;
}
