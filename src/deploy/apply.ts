import type { ServiceFailure } from '../api/deploy.js';
import type { Clock } from '../clock.js';
import { BerthLabel, type Engine, isServiceContainer, stackSelector } from '../engine/model.js';
import type { GateVerdict } from '../health/index.js';
import type { Store } from '../store/index.js';
import type { DesiredService, DesiredStack } from './desired.js';
import type { DeployEvent } from './events.js';
import { describeFailure, gateContainer, waitForDependency } from './gatekeeper.js';
import type { ContainerStep, Plan } from './plan.js';
import { applyStep, type ChangedReplica, promote, retire, undo } from './rollout.js';
import { runInDependencyOrder } from './start-order.js';
import { type ContainerWatch, watchEvents } from './watch.js';

export interface ApplyDeps {
  readonly engine: Engine;
  readonly store: Pick<Store, 'appliedSpecs'>;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
}

export type ApplyOutcome = 'succeeded' | 'failed' | 'rolled-back';

export interface ApplyResult {
  readonly outcome: ApplyOutcome;
  readonly failure?: ServiceFailure;
  /** Set when restoring the previous containers did not fully work: the stack needs an operator. */
  readonly rollbackProblem?: string;
  readonly changedServices: string[];
}

class ServiceFailed extends Error {
  constructor(readonly failure: ServiceFailure) {
    super(`${failure.service}: ${failure.reason}`);
  }
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
  const gateDeps = {
    engine,
    clock: deps.clock,
    watch: deps.watch,
    ...(deps.signal ? { signal: deps.signal } : {}),
  };

  const createdNetworks: string[] = [];
  for (const step of plan.resources) {
    if (step.kind === 'create-network') {
      await engine.networks.create(step.spec);
      createdNetworks.push(step.name);
    } else await engine.volumes.create(step.spec);
    emit({
      type: 'resource',
      message: `created ${step.kind === 'create-network' ? 'network' : 'volume'} ${step.name}`,
    });
  }

  const currentIds = async (service: string) =>
    (
      await engine.containers.list(
        { ...stackSelector(desired.stack), [BerthLabel.Service]: service },
        { all: true },
      )
    )
      .filter(isServiceContainer)
      .map((c) => c.id);

  const runService = async (
    service: DesiredService,
    steps: readonly ContainerStep[],
    signal: AbortSignal,
    started: () => void,
  ) => {
    try {
      await runServiceSteps(service, steps, signal, started);
    } catch (error: unknown) {
      if (error instanceof ServiceFailed || signal.aborted) throw error;
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
    const serviceDeps = { ...gateDeps, signal };
    // Dependencies this deploy changes were waited for by the scheduler; the others are checked
    // on their running containers, all at once.
    const unchanged = Object.entries(service.dependsOn).flatMap(([dep, { condition }]) => {
      const depService = desired.services[dep];
      return depService && !changing.has(dep) ? [{ dep, condition, depService }] : [];
    });
    for (const { dep, condition } of unchanged)
      emit({ type: 'wait', service: service.name, message: `waiting for ${dep} (${condition})` });
    const results = await Promise.all(
      unchanged.map(({ dep, condition, depService }) =>
        waitForDependency(serviceDeps, dep, condition, () => currentIds(dep), {
          timeoutMs: depService.gate.timeoutMs,
          probeIntervalMs: depService.gate.probeIntervalMs,
        }).then((result) => ({ dep, result })),
      ),
    );
    for (const { dep, result } of results) {
      if (!result.holds) {
        throw new ServiceFailed({
          service: service.name,
          reason: 'dependency',
          detail: `${dep}: ${result.why}`,
          logTail: [],
        });
      }
    }
    for (const step of steps) {
      emit({
        type: 'container',
        service: service.name,
        message: `${step.kind} replica ${step.replica}: ${step.reasons.join('; ')}`,
      });
      const changed = await applyStep(engine, step, deploymentId, (c) => changes.push(c));
      started();
      const id = changed.newId ?? '';
      let last: GateVerdict | undefined;
      const verdict = await gateContainer(serviceDeps, service, id, (v) => {
        if (v.state === 'pending' && v.detail !== last?.detail)
          emit({ type: 'gate', service: service.name, message: v.detail });
        last = v;
      });
      if (verdict.state !== 'passed') {
        const reason = verdict.state === 'failed' ? verdict.reason : 'timeout';
        throw new ServiceFailed(
          await describeFailure(engine, service.name, id, reason, verdict.detail, (ms) =>
            deps.clock.sleep(ms),
          ),
        );
      }
      emit({ type: 'gate', service: service.name, message: `passed: ${verdict.detail}` });
      await promote(engine, changed, step.kind === 'start' ? undefined : step.spec.stopTimeoutSeconds);
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
    run: async (name, signal, started) => {
      const w = work.get(name);
      if (w) await runService(w.service, w.steps, signal, started);
    },
  });
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

  if (!failure) {
    for (const c of changes) await retire(engine, c);
    for (const r of plan.removals) {
      await engine.containers.remove(r.current.id, { force: true });
      deps.store.appliedSpecs.remove(desired.stack, r.service, r.replica);
      emit({
        type: 'cleanup',
        service: r.service,
        message: `removed ${r.current.name}: ${r.reasons.join('; ')}`,
      });
    }
    return { outcome: 'succeeded', changedServices };
  }

  emit({
    type: 'failure',
    service: failure.service,
    message: `${failure.reason}: ${failure.detail}`,
    data: { ...failure },
  });
  if (desired.rollback === 'manual') {
    emit({
      type: 'rollback',
      message: 'rollback: manual — the failed state is left in place for inspection',
    });
    return { outcome: 'failed', failure, changedServices };
  }
  const problem = await rollBack(deps, desired, changes, emit);
  // Networks this deploy created go too; volumes stay (they may already hold data: never lose it).
  for (const name of createdNetworks) {
    await engine.networks.remove(name).catch(() => undefined);
    emit({ type: 'rollback', message: `removed network ${name} (created by this deploy)` });
  }
  return {
    outcome: problem ? 'failed' : 'rolled-back',
    failure,
    changedServices,
    ...(problem ? { rollbackProblem: problem } : {}),
  };
}

/** Restores the previous containers of every changed service, last change first, and gates them again. */
async function rollBack(
  deps: ApplyDeps & { readonly watch: ContainerWatch },
  desired: DesiredStack,
  changes: readonly ChangedReplica[],
  emit: (event: DeployEvent) => void,
): Promise<string | undefined> {
  const problems: string[] = [];
  const restored: Array<{ service: string; id: string }> = [];
  for (const c of [...changes].reverse()) {
    try {
      const id = await undo(deps.engine, c);
      if (id) restored.push({ service: c.service, id });
      emit({
        type: 'rollback',
        service: c.service,
        message: id ? `restored the previous ${c.name}` : `removed the new ${c.name}`,
      });
    } catch (error: unknown) {
      problems.push(`${c.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  const gateDeps = { engine: deps.engine, clock: deps.clock, watch: deps.watch };
  for (const r of restored.reverse()) {
    const service = desired.services[r.service];
    if (!service) continue;
    const verdict = await gateContainer(gateDeps, service, r.id);
    if (verdict.state !== 'passed') problems.push(`${r.service} did not come back: ${verdict.detail}`);
    else emit({ type: 'rollback', service: r.service, message: `previous ${r.service} answers again` });
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}
