import type { ServiceFailure } from '../api/deploy.js';
import { failureText } from '../api/failure-text.js';
import type { Clock } from '../clock.js';
import { type Engine, stackSelector } from '../engine/model.js';
import type { Store } from '../store/index.js';
import type { DesiredService, DesiredStack } from './desired.js';
import type { DeployEvent } from './events.js';
import { describeFailure } from './failure.js';
import { readyTimes } from './observe.js';
import type { ContainerStep, Plan } from './plan-types.js';
import { PreparedContainers, remove as removePrepared } from './prepare.js';
import { removeContainers } from './removals.js';
import { retireAll, rollBack, undoInterrupted } from './rollback.js';
import { applyStep, type ChangedReplica, preparableSpec, promote } from './rollout.js';
import { dependenciesHold, gateReplica, ServiceFailed, type UnchangedDependency } from './service-gates.js';
import { runInDependencyOrder } from './start-order.js';
import { type DeployDebugLog, StepLog } from './step-log.js';
import { type ContainerWatch, watchEvents } from './watch.js';

export interface ApplyDeps {
  readonly engine: Engine;
  readonly store: Pick<Store, 'appliedSpecs'>;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
  /** The executor's debug lines (step-log.ts): steps, gates, rollback. */
  readonly log?: DeployDebugLog;
}

export type ApplyOutcome = 'succeeded' | 'failed' | 'rolled-back';

export interface ApplyResult {
  readonly outcome: ApplyOutcome;
  readonly failure?: ServiceFailure;
  /** Set when restoring the previous containers did not fully work: the stack needs an operator. */
  readonly rollbackProblem?: string;
  readonly changedServices: string[];
  /** The new containers, by the name each has now (start-first ones promoted). */
  readonly newIds: ReadonlyMap<string, string>;
  /** When each new container passed its gate (container id → ms since the epoch). */
  readonly readyAt: ReadonlyMap<string, number>;
  /**
   * After a success: removes the previous containers, returning what could not be removed. The
   * caller runs it once the result is recorded: nothing can be rolled back any more by then.
   */
  readonly retire?: () => Promise<string[]>;
}

/**
 * Applies a plan, starting each changed service as soon as its dependencies are ready, gates every
 * changed service, and rolls the whole stack back on failure.
 */
export async function applyPlan(
  deps: ApplyDeps,
  deploymentId: number,
  desired: DesiredStack,
  plan: Plan,
  emit: (event: DeployEvent) => void,
): Promise<ApplyResult> {
  // One event stream for the whole deploy wakes every gate and wait of the stack's containers.
  const watch = watchEvents(deps.engine, deps.clock, {
    types: ['container'],
    labels: stackSelector(desired.stack),
  });
  try {
    return await applyWatched({ ...deps, watch }, deploymentId, desired, plan, emit);
  } finally {
    watch.close();
  }
}

async function applyWatched(
  deps: ApplyDeps & { readonly watch: ContainerWatch },
  deploymentId: number,
  desired: DesiredStack,
  plan: Plan,
  emit: (event: DeployEvent) => void,
): Promise<ApplyResult> {
  const { engine } = deps;
  const changes: ChangedReplica[] = [];
  const log = new StepLog(deps.log, deps.clock, { stack: desired.stack, deployment: deploymentId });
  const gateDeps = {
    engine,
    clock: deps.clock,
    watch: deps.watch,
    ...(deps.signal ? { signal: deps.signal } : {}),
  };

  // When the services this deploy leaves alone last passed a gate: a recent pass answers a
  // dependent's service_healthy wait without running their check again (ready.ts).
  const passed = readyTimes(deps.store, desired.stack);
  const createdNetworks: string[] = [];
  for (const [i, step] of plan.resources.entries()) {
    await log.step(step, i + 1, async () => {
      if (step.kind === 'create-network') {
        await engine.networks.create(step.spec);
        createdNetworks.push(step.name);
      } else await engine.volumes.create(step.spec);
    });
    emit({
      type: 'resource',
      message: `created ${step.kind === 'create-network' ? 'network' : 'volume'} ${step.name}`,
    });
  }

  // First new containers created ahead of time, while their services wait (prepare.ts).
  const early = new PreparedContainers(engine);
  const ran = new Set<string>();

  const runService = async (
    service: DesiredService,
    steps: readonly ContainerStep[],
    signal: AbortSignal,
    started: () => void,
  ) => {
    try {
      await runServiceSteps(service, steps, signal, started);
    } catch (error: unknown) {
      if (error instanceof ServiceFailed || signal.aborted || deps.signal?.aborted) throw error;
      // An engine error while applying a step (port taken, bad mount…) is this service's failure.
      const detail = error instanceof Error ? error.message : String(error);
      const id = changes.filter((c) => c.service === service.name).at(-1)?.newId;
      throw new ServiceFailed(await describeFailure(engine, service.name, id, 'engine-error', detail));
    }
  };

  const runServiceSteps = async (
    service: DesiredService,
    steps: readonly ContainerStep[],
    signal: AbortSignal,
    started: () => void,
  ) => {
    // Gates and waits end when another service failed (the order's signal) or the server stops.
    const serviceDeps = {
      ...gateDeps,
      signal: deps.signal ? AbortSignal.any([deps.signal, signal]) : signal,
    };
    // Dependencies this deploy changes were waited for by the scheduler; the others are checked
    // on their running containers, all at once.
    const unchanged = Object.entries(service.dependsOn).flatMap(
      ([dep, { condition }]): UnchangedDependency[] => {
        const depService = desired.services[dep];
        return depService && !changing.has(dep) ? [{ dep, condition, depService }] : [];
      },
    );
    for (const { dep, condition } of unchanged)
      emit({ type: 'wait', service: service.name, message: `waiting for ${dep} (${condition})` });
    // While they are checked, the first new container is created (it starts only after them).
    const ahead = steps[0] && unchanged.length > 0 ? preparableSpec(steps[0], deploymentId) : undefined;
    if (ahead) early.create(service.name, ahead);
    const prepared = early.take(service.name);
    let handed = false;
    try {
      await dependenciesHold(serviceDeps, desired.stack, service.name, unchanged, passed);
      for (const [i, step] of steps.entries()) {
        emit({
          type: 'container',
          service: service.name,
          message: `${step.kind} replica ${step.replica}: ${step.reasons.join('; ')}`,
        });
        handed = true;
        let changed: ChangedReplica | undefined;
        await log.step(
          step,
          i + 1,
          async () => {
            changed = await applyStep(
              engine,
              step,
              deploymentId,
              // Recorded as it begins: a step failing halfway still names its new container.
              (c) => {
                changed = c;
                changes.push(c);
              },
              i === 0 ? prepared : undefined,
            );
            started();
            await gateReplica(serviceDeps, service, changed, emit, log);
            await promote(engine, changed, step.kind === 'start' ? undefined : step.spec.stopTimeoutSeconds);
          },
          { id: () => changed?.newId, aborted: () => serviceDeps.signal.aborted },
        );
      }
    } finally {
      // Not handed to a step (a dependency failed, the deploy was cancelled): it goes now.
      if (prepared && !handed) await removePrepared(engine, prepared);
    }
  };

  // Each changed service starts as soon as the changed services it depends on got far enough.
  const work = new Map(
    desired.levels.flat().flatMap((name) => {
      const service = desired.services[name];
      const steps = plan.services.find((p) => p.service === name)?.steps ?? [];
      return service && steps.length > 0 ? [[name, { service, steps }] as const] : [];
    }),
  );
  const changing = new Set(work.keys());
  const outcome = await runInDependencyOrder({
    services: [...work.keys()],
    startAfter: (name) => desired.services[name]?.startAfter ?? [],
    onHeld: (name, need) =>
      emit({ type: 'wait', service: name, message: `waiting for ${need.service} (${need.because})` }),
    // Once a dependency runs (its own create and start off the engine), the services waiting for
    // it get their first new container created, so each starts the moment it may.
    onStarted: (started) => {
      for (const [name, w] of work) {
        const waitsFor = w.service.startAfter.some((need) => need.service === started);
        const spec = w.steps[0] ? preparableSpec(w.steps[0], deploymentId) : undefined;
        if (waitsFor && spec && !ran.has(name)) early.create(name, spec);
      }
    },
    run: async (name, signal, started) => {
      ran.add(name);
      const w = work.get(name);
      if (w) await runService(w.service, w.steps, signal, started);
    },
  });
  await early.discard();
  const removeCreatedNetworks = async () => {
    // Networks this deploy created go too; volumes stay (they may already hold data: never lose it).
    for (const name of createdNetworks) {
      await engine.networks.remove(name).catch(() => undefined);
      emit({ type: 'rollback', message: `removed network ${name} (created by this deploy)` });
    }
  };
  if (!outcome.ok && deps.signal?.aborted) {
    // Interrupted (the server is shutting down): what changed is undone at once, whatever `rollback`
    // says (there is no failure to inspect), and the deploy ends with the abort's reason.
    await undoInterrupted(engine, changes, emit, log);
    await removeCreatedNetworks();
    throw deps.signal.reason;
  }
  let failure: ServiceFailure | undefined;
  if (!outcome.ok && 'stuck' in outcome) {
    failure = {
      service: outcome.stuck[0] ?? '',
      reason: 'error',
      detail: `nothing can start: ${outcome.stuck.join(', ')} wait for services that will not get ready`,
      logTail: [],
    };
  } else if (!outcome.ok) {
    const { error } = outcome;
    failure =
      error instanceof ServiceFailed
        ? error.failure
        : {
            service: outcome.service,
            reason: 'error',
            detail: error instanceof Error ? error.message : String(error),
            logTail: [],
          };
  }
  const changedServices = [...new Set(changes.map((c) => c.service))];
  const newIds = new Map(changes.flatMap((c) => (c.newId !== undefined ? [[c.name, c.newId]] : [])));
  const readyAt = new Map(
    changes.flatMap((c) => (c.newId !== undefined && c.readyAt !== undefined ? [[c.newId, c.readyAt]] : [])),
  );

  if (!failure) {
    await removeContainers(deps, desired.stack, plan.removals, 'all', emit, log);
    return {
      outcome: 'succeeded',
      changedServices,
      newIds,
      readyAt,
      retire: () => retireAll(engine, changes),
    };
  }

  emit({
    type: 'failure',
    service: failure.service,
    message: failureText(failure),
    // Told before the rollback runs; the deploy's alert waits for its `done` (alert-text.ts).
    data: { ...failure, deployment: deploymentId },
  });
  if (desired.rollback === 'manual') {
    emit({
      type: 'rollback',
      message: 'rollback: manual — the failed state is left in place for inspection',
    });
    await removeContainers(deps, desired.stack, plan.removals, 'left-overs', emit, log);
    return { outcome: 'failed', failure, changedServices, newIds, readyAt };
  }
  const problem = await rollBack(deps, desired, changes, emit, log);
  await removeContainers(deps, desired.stack, plan.removals, 'left-overs', emit, log);
  await removeCreatedNetworks();
  return {
    outcome: problem ? 'failed' : 'rolled-back',
    failure,
    changedServices,
    newIds,
    readyAt,
    ...(problem ? { rollbackProblem: problem } : {}),
  };
}
