import type { ServiceFailure } from '../api/deploy.js';
import type { Clock } from '../clock.js';
import { type ContainerInfo, type Engine, isEngineError } from '../engine/model.js';
import {
  type ConditionResult,
  type DependsCondition,
  type GatePolicy,
  type GateVerdict,
  lastHealthOutput,
  runGate,
  waitForCondition,
} from '../health/index.js';
import type { DesiredService } from './desired.js';

export interface GateDeps {
  readonly engine: Engine;
  readonly clock: Clock;
  readonly pollMs: number;
  readonly signal?: AbortSignal;
}

async function inspectOrMissing(engine: Engine, id: string): Promise<ContainerInfo | undefined> {
  try {
    return await engine.containers.inspect(id);
  } catch (error: unknown) {
    if (isEngineError(error) && error.code === 'ENGINE_NOT_FOUND') return undefined;
    throw error;
  }
}

/** Watches one container until it passes or fails its gate. A container with an image healthcheck is gated on it. */
export async function gateContainer(
  deps: GateDeps,
  service: DesiredService,
  containerId: string,
  onProgress?: (v: GateVerdict) => void,
): Promise<GateVerdict> {
  const first = await inspectOrMissing(deps.engine, containerId);
  const kind = service.gate.kind === 'stable' && first?.health ? 'healthcheck' : service.gate.kind;
  const policy: GatePolicy = {
    kind,
    timeoutMs: service.gate.timeoutMs,
    stableWindowMs: service.gate.stableWindowMs,
  };
  return runGate(
    policy,
    () => inspectOrMissing(deps.engine, containerId),
    {
      clock: deps.clock,
      intervalMs: deps.pollMs,
      ...(deps.signal ? { signal: deps.signal } : {}),
    },
    onProgress,
  );
}

/** Waits until a dependency's containers satisfy a depends_on condition. */
export async function waitForDependency(
  deps: GateDeps,
  condition: DependsCondition,
  containerIds: () => Promise<readonly string[]>,
  timeoutMs: number,
): Promise<ConditionResult> {
  const probe = async () => {
    const infos: ContainerInfo[] = [];
    for (const id of await containerIds()) {
      const info = await inspectOrMissing(deps.engine, id);
      if (info) infos.push(info);
    }
    return infos;
  };
  return waitForCondition(condition, probe, {
    clock: deps.clock,
    intervalMs: deps.pollMs,
    timeoutMs,
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
}

const CRASH_EXIT_POLLS = 20;
const CRASH_EXIT_POLL_MS = 100;

/** What an operator needs to see about a failed container: exit code, last health output, log tail. */
export async function describeFailure(
  engine: Engine,
  service: string,
  containerId: string | undefined,
  reason: string,
  detail: string,
  sleep?: (ms: number) => Promise<void>,
): Promise<ServiceFailure> {
  if (!containerId) return { service, reason, detail, logTail: [] };
  let info = await inspectOrMissing(engine, containerId);
  // A crash-looping container caught between two runs reads `running` with its exit code reset:
  // look again for a moment, so the report can say how it exited (it exits again within ~2 s).
  for (
    let i = 0;
    sleep && reason === 'crash-loop' && info?.state === 'running' && i < CRASH_EXIT_POLLS;
    i++
  ) {
    await sleep(CRASH_EXIT_POLL_MS);
    info = await inspectOrMissing(engine, containerId);
  }
  const logTail: string[] = [];
  try {
    for await (const line of engine.logs.logs(containerId, { tail: 20 }))
      logTail.push(`${line.stream === 'stderr' ? '!' : ' '} ${line.line}`);
  } catch {
    // The container may be gone: the failure is still reported, with what is known.
  }
  const health = info ? lastHealthOutput(info) : undefined;
  return {
    service,
    ...(info ? { container: info.name } : {}),
    reason,
    detail,
    ...(info && info.state !== 'running' ? { exitCode: info.exitCode } : {}),
    logTail: logTail.slice(-20),
    ...(health ? { healthOutput: health } : {}),
  };
}
