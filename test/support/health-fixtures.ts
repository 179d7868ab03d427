// Test support only: ContainerInfo values as the engine adapter would map them.

import type { ProbeView } from '../../src/api/health.js';
import type { ContainerHealth, ContainerInfo, HealthStatus } from '../../src/engine/types.js';
import {
  type GateKind,
  type GatePolicy,
  type GateVerdict,
  observe,
  startGate,
} from '../../src/health/gate.js';

/** The fixtures' "now": containers start here unless a test says otherwise. */
export const T0 = Date.parse('2024-05-01T12:00:00.000Z');
export const iso = (ms: number): string => new Date(ms).toISOString();
export const CONTAINER_ID = 'c0ffee0123456789abcdef';

/** Replica 1 of service `db` in stack `shop`, running since T0, no healthcheck. */
export function containerInfo(over: Partial<ContainerInfo> = {}): ContainerInfo {
  return {
    id: CONTAINER_ID,
    name: 'shop-db-1',
    image: 'postgres:16',
    imageId: 'sha256:1',
    labels: { 'dev.berth.service': 'db' },
    state: 'running',
    exitCode: 0,
    startedAt: iso(T0),
    finishedAt: null,
    restartCount: 0,
    ports: [],
    networks: {},
    networkMode: 'bridge',
    mounts: [],
    env: [],
    tty: false,
    createdAt: iso(T0 - 1000),
    ...over,
  };
}

/** Health whose log holds one check per output, the last one with `lastExitCode`. */
export function healthOf(
  status: HealthStatus,
  outputs: readonly string[] = [],
  lastExitCode = 1,
  failingStreak = 0,
): ContainerHealth {
  const last = outputs.length - 1;
  return {
    status,
    failingStreak,
    log: outputs.map((output, i) => ({
      exitCode: i === last ? lastExitCode : 0,
      output,
      start: '',
      end: '',
    })),
  };
}

// Gate helpers: a policy per kind and a run of observations fed through startGate/observe.
export const exited = (exitCode: number, over: Partial<ContainerInfo> = {}): Partial<ContainerInfo> => ({
  state: 'exited',
  exitCode,
  finishedAt: iso(T0 + 5000),
  ...over,
});

const POLICY = { timeoutMs: 60_000, stableWindowMs: 10_000 };
export const policyFor = (kind: GateKind, over: Partial<GatePolicy> = {}): GatePolicy => ({
  kind,
  ...POLICY,
  ...over,
});

/** An observation `offsetMs` after T0: the container with these fields, or gone. */
export type Step = readonly [offsetMs: number, seen: Partial<ContainerInfo> | 'missing'];

/** Feeds the steps (the first also starts the gate) and returns every verdict. */
export function gateVerdicts(policy: GatePolicy, steps: readonly Step[]): GateVerdict[] {
  const [first] = steps;
  if (first === undefined || first[1] === 'missing') throw new Error('the first step must show a container');
  let state = startGate(policy, { at: T0 + first[0], info: containerInfo(first[1]) });
  const out: GateVerdict[] = [];
  for (const [offset, seen] of steps) {
    const at = T0 + offset;
    const result = observe(
      state,
      seen === 'missing' ? { at, missing: true } : { at, info: containerInfo(seen) },
    );
    state = result.state;
    out.push(result.verdict);
  }
  return out;
}

/** The verdict after the last step. */
export function gateVerdict(policy: GatePolicy, steps: readonly Step[]): GateVerdict {
  const all = gateVerdicts(policy, steps);
  const last = all[all.length - 1];
  if (last === undefined) throw new Error('no steps');
  return last;
}

/** Health with one check (none when `output` is empty), as the gate tests write it. */
export const health = (status: HealthStatus, output = '', exitCode = 1, failingStreak = 0): ContainerHealth =>
  healthOf(status, output === '' ? [] : [output], exitCode, failingStreak);

export const startingHc = { health: health('starting') };

/** A probe the files declare that has not run yet: what `berth health` and the probes panel list as pending. */
export const PENDING_PROBE: ProbeView = {
  stack: 'shop',
  service: 'web',
  probe: 'home',
  type: 'http',
  status: 'pending',
  flapping: false,
  watched: true,
  uptime: { '24h': null, '7d': null, '30d': null },
};
