import { formatDuration } from '../compose/schema/units.js';
import type { ContainerInfo } from '../engine/types.js';
import { checkFailureText } from './check-failure.js';
import { exitCodeText, lastHealthCheck } from './describe.js';

/**
 * `healthcheck`: the container has a healthcheck and must report healthy.
 * `stable`: no healthcheck; it must run without restarting for a stable window.
 * `completes`: a one-shot others wait for with `service_completed_successfully`; it must exit 0.
 */
export type GateKind = 'healthcheck' | 'stable' | 'completes';

export interface GatePolicy {
  readonly kind: GateKind;
  readonly timeoutMs: number;
  readonly stableWindowMs: number;
  /** The healthcheck's `retries`, when known: only used to show progress as `2/5 checks failed`. */
  readonly healthRetries?: number;
}

export interface GateObservation {
  /** When the container was looked at, ms since the epoch. */
  readonly at: number;
  readonly info: ContainerInfo;
}

/** The container was not found: it was removed while Berth waited. */
export interface MissingObservation {
  readonly at: number;
  readonly missing: true;
}

/** `oom-killed` is reserved: ContainerInfo does not carry the engine's OOMKilled flag yet. */
export type GateFailure = 'unhealthy' | 'exited' | 'crash-loop' | 'timeout' | 'missing' | 'oom-killed';

export type GateVerdict =
  | { readonly state: 'pending'; readonly detail: string }
  | { readonly state: 'passed'; readonly detail: string }
  | {
      readonly state: 'failed';
      readonly reason: GateFailure;
      readonly detail: string;
      /** What the last check printed (operators only: it never goes into `detail`). */
      readonly healthOutput?: string;
    };

export interface GateState {
  readonly policy: GatePolicy;
  /** The first observation's time: the timeout counts from here. */
  readonly startedAt: number;
  /** An observation after this (strictly) that is still pending times out. */
  readonly deadline: number;
  readonly containerId: string;
  readonly containerName: string;
  /** restartCount when the gate started: any increase is a restart Berth did not ask for. */
  readonly baselineRestarts: number;
  /** Kept because a later observation may carry an empty health log. */
  readonly lastCheck?: { readonly exitCode: number; readonly output: string };
  /** Set once the gate decided: a decided gate never changes its mind. */
  readonly decided?: GateVerdict;
}

/**
 * The time the gate waits. A stable window longer than the timeout could never pass, so the
 * timeout then counts from the end of the window.
 */
export function effectiveTimeout(policy: GatePolicy): number {
  if (policy.kind === 'stable' && policy.timeoutMs < policy.stableWindowMs) {
    return policy.stableWindowMs + policy.timeoutMs;
  }
  return policy.timeoutMs;
}

function checkPolicy(policy: GatePolicy): void {
  for (const [name, value] of [
    ['timeoutMs', policy.timeoutMs],
    ['stableWindowMs', policy.stableWindowMs],
  ] as const) {
    if (!Number.isFinite(value) || value < 0)
      throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  }
}

/** Records the baseline; pass the same observation to `observe` for its verdict. */
export function startGate(policy: GatePolicy, first: GateObservation): GateState {
  checkPolicy(policy);
  return {
    policy,
    startedAt: first.at,
    deadline: first.at + effectiveTimeout(policy),
    containerId: first.info.id,
    containerName: first.info.name,
    baselineRestarts: first.info.restartCount,
  };
}

const pending = (detail: string): GateVerdict => ({ state: 'pending', detail });
const passed = (detail: string): GateVerdict => ({ state: 'passed', detail });
const failed = (reason: GateFailure, detail: string, healthOutput?: string): GateVerdict => ({
  state: 'failed',
  reason,
  detail,
  ...(healthOutput ? { healthOutput } : {}),
});

/** The last check's output, when it printed something: the failure's health output. */
const checkOutput = (state: GateState): string | undefined => state.lastCheck?.output.trim() || undefined;

/** Whole seconds: progress reads `running for 4s of 10s`, not `4s317ms`. */
function seconds(ms: number): string {
  return formatDuration(Math.max(0, Math.floor(ms / 1000)) * 1000);
}

function times(n: number): string {
  return n === 1 ? '1 time' : `${n} times`;
}

/**
 * For failure details: the check's exit code, or the engine's words for a command that did not
 * start or timed out, never what the check printed. Details reach every role (the
 * reason, the deployment's summary, the event stream); what the check printed is the failure's
 * `healthOutput`, which only those who may read the service's logs get (README, "Threat model").
 */
function lastCheckText(state: GateState): string | undefined {
  const check = state.lastCheck;
  // Docker's -1 is a timeout or a command it could not start: its words in the output say which.
  return check === undefined ? undefined : checkFailureText(check);
}

/** Progress lines reach every role too: how many checks failed, not what they printed. */
function startingText(state: GateState, info: ContainerInfo): string {
  const streak = info.health?.failingStreak ?? 0;
  if (streak === 0) return 'health: starting';
  const retries = state.policy.healthRetries;
  const count = retries === undefined ? `${streak}` : `${streak}/${retries}`;
  return `health: starting (${count} ${streak === 1 ? 'check' : 'checks'} failed)`;
}

function restartedText(restarts: number, info: ContainerInfo): string {
  // A running container's exit code was reset when it started again, so it says nothing.
  const exit = info.state === 'running' ? '' : `, last exit ${exitCodeText(info.exitCode)}`;
  return restarts > 0
    ? `restarted ${times(restarts)}${exit}`
    : `restarting after exit ${exitCodeText(info.exitCode)}`;
}

function parseTime(iso: string | null): number | undefined {
  if (iso === null) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The verdict from this observation alone; the timeout is applied by the caller. */
function judge(state: GateState, at: number, info: ContainerInfo): GateVerdict {
  const { kind, stableWindowMs } = state.policy;
  const restarts = Math.max(0, info.restartCount - state.baselineRestarts);
  switch (info.state) {
    case 'removing':
      return failed('missing', `${info.name} is being removed`);
    case 'created':
      return info.exitCode === 0
        ? pending('created, not started yet')
        : failed('exited', `failed to start (exit ${exitCodeText(info.exitCode)})`);
    case 'paused':
      return pending('paused');
    case 'restarting':
      if (kind === 'completes' && info.exitCode === 0) {
        return passed('exited with code 0 (its restart policy is starting it again)');
      }
      return failed('crash-loop', restartedText(restarts, info));
    case 'dead':
      return failed('exited', `dead after exit ${exitCodeText(info.exitCode)}`);
    case 'exited':
      if (kind === 'completes') {
        if (info.exitCode === 0) return passed('exited with code 0');
        if (restarts > 0) return failed('crash-loop', restartedText(restarts, info));
        return failed('exited', `exited with ${exitCodeText(info.exitCode)}`);
      }
      if (restarts > 0) return failed('crash-loop', restartedText(restarts, info));
      return failed(
        'exited',
        info.exitCode === 0
          ? 'exited with code 0, but it should keep running'
          : `exited with ${exitCodeText(info.exitCode)}`,
      );
    case 'running':
      break;
  }
  if (kind === 'completes') {
    // The exit that caused a restart is unknown here (reset on start); a later look decides.
    return pending(
      restarts > 0
        ? `running again after ${restarts === 1 ? '1 restart' : `${restarts} restarts`}`
        : 'running, waiting for it to exit',
    );
  }
  if (restarts > 0) return failed('crash-loop', restartedText(restarts, info));
  if (kind === 'stable') {
    const since = parseTime(info.startedAt) ?? state.startedAt;
    const ran = at - since;
    if (ran >= stableWindowMs) return passed(`running for ${seconds(ran)} without restarting`);
    return pending(`running for ${seconds(ran)} of ${seconds(stableWindowMs)}`);
  }
  const health = info.health;
  if (health === undefined) {
    return failed(
      'unhealthy',
      'the container has no healthcheck, so it can never become healthy (was it disabled in the image?)',
    );
  }
  if (health.status === 'healthy') return passed('healthy');
  if (health.status === 'unhealthy') {
    const last = lastCheckText(state);
    return failed('unhealthy', last === undefined ? 'unhealthy' : `unhealthy: ${last}`, checkOutput(state));
  }
  return pending(startingText(state, info));
}

function timedOut(state: GateState, progress: string): GateVerdict {
  const after = formatDuration(effectiveTimeout(state.policy));
  switch (state.policy.kind) {
    case 'healthcheck': {
      const last = lastCheckText(state);
      return failed(
        'timeout',
        `not healthy after ${after} (${progress})${last === undefined ? '' : `; ${last}`}`,
        checkOutput(state),
      );
    }
    case 'stable':
      return failed('timeout', `not stable after ${after} (${progress})`);
    case 'completes':
      return failed('timeout', `did not complete within ${after} (${progress})`);
  }
}

function decide(state: GateState, verdict: GateVerdict): { state: GateState; verdict: GateVerdict } {
  return { state: verdict.state === 'pending' ? state : { ...state, decided: verdict }, verdict };
}

export function observe(
  state: GateState,
  next: GateObservation | MissingObservation,
): { state: GateState; verdict: GateVerdict } {
  if (state.decided !== undefined) return { state, verdict: state.decided };
  if ('missing' in next) {
    return decide(
      state,
      failed('missing', `${state.containerName} is gone: it was removed while Berth waited`),
    );
  }
  const { at, info } = next;
  if (info.id !== state.containerId) {
    return decide(
      state,
      failed(
        'missing',
        `${state.containerName} was replaced by another container (${state.containerId.slice(0, 12)} → ${info.id.slice(0, 12)})`,
      ),
    );
  }
  const check = lastHealthCheck(info);
  const current: GateState =
    check === undefined ? state : { ...state, lastCheck: { exitCode: check.exitCode, output: check.output } };
  const verdict = judge(current, at, info);
  // What the container shows wins over the clock: a pass seen late is still a pass.
  if (verdict.state === 'pending' && at > current.deadline)
    return decide(current, timedOut(current, verdict.detail));
  return decide(current, verdict);
}
