// The readiness limit of a deploy: the same containers Berth would create, each started as soon as
// its dependencies allow (Berth's own dependency order), and each service's healthcheck run back to
// back through exec until it first passes. No planning, no gates, no Docker health schedule: what a
// deploy of this stack cannot beat.
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import type { DesiredStack } from '../../src/deploy/desired.js';
import type { Plan } from '../../src/deploy/plan.js';
import { checkCommand } from '../../src/deploy/probe.js';
import { runInDependencyOrder } from '../../src/deploy/start-order.js';
import { type ContainerSpec, type Engine, incomingName } from '../../src/engine/model.js';

const LIMIT_DEADLINE_MS = 5 * 60_000;

/** Runs the container's healthcheck back to back until one run exits 0; resolves when it did. */
async function probeUntilPass(
  engine: Engine,
  id: string,
  spec: ContainerSpec,
  deadline: number,
): Promise<void> {
  const command = checkCommand(spec.healthcheck);
  if (command === undefined) return;
  for (;;) {
    try {
      const r = await engine.exec.run(id, command.argv, {
        timeoutMs: command.timeoutMs,
        maxOutputBytes: 4096,
      });
      if (r.exitCode === 0) return;
    } catch {
      // Not running yet, or the run timed out: run it again.
    }
    if (performance.now() > deadline) throw new Error(`${spec.name}: its check never passed`);
    await delay(5);
  }
}

async function startAndProbe(engine: Engine, spec: ContainerSpec, deadline: number, started?: () => void) {
  const { id } = await engine.containers.create(spec);
  await engine.containers.start(id);
  started?.();
  await probeUntilPass(engine, id, spec, deadline);
}

/** Cold: every network, volume and container of the stack; ms from the first create to the last pass. */
export async function coldLimit(engine: Engine, desired: DesiredStack, plan: Plan): Promise<number> {
  const t0 = performance.now();
  const deadline = t0 + LIMIT_DEADLINE_MS;
  for (const step of plan.resources) {
    if (step.kind === 'create-network') await engine.networks.create(step.spec);
    else await engine.volumes.create(step.spec);
  }
  const outcome = await runInDependencyOrder({
    services: desired.levels.flat(),
    startAfter: (s) => desired.services[s]?.startAfter ?? [],
    run: async (service, _signal, started) => {
      for (const { spec } of desired.services[service]?.replicas ?? [])
        await startAndProbe(engine, spec, deadline, started);
    },
  });
  if (!outcome.ok) throw new Error(`the limit run failed: ${JSON.stringify(outcome)}`);
  return performance.now() - t0;
}

/**
 * One service changed: its new container created, started and probed until it passes. A stop-first
 * service (a published port, a named volume…) has its old container stopped and removed first, as
 * any tool must; a start-first one starts beside it.
 */
export async function changedLimit(
  engine: Engine,
  desired: DesiredStack,
  service: string,
  oldIds: readonly string[],
): Promise<number> {
  const wanted = desired.services[service];
  const specs = wanted?.replicas.map((r) => r.spec) ?? [];
  const t0 = performance.now();
  if (wanted?.strategy === 'stop-first') {
    for (const id of oldIds) {
      await engine.containers.stop(id, specs[0]?.stopTimeoutSeconds);
      await engine.containers.remove(id, { force: true });
    }
  }
  for (const spec of specs) {
    const name = wanted?.strategy === 'stop-first' ? spec.name : incomingName(spec.name, 0);
    await startAndProbe(engine, { ...spec, name }, t0 + LIMIT_DEADLINE_MS);
  }
  return performance.now() - t0;
}
