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

export interface ApplyDeps {
  readonly engine: Engine;
  readonly store: Pick<Store, 'appliedSpecs'>;
  readonly clock: Clock;
  readonly pollMs: number;
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

/** Applies a plan level by level, gates every changed service, and rolls the whole stack back on failure. */
export async function applyPlan(
  deps: ApplyDeps,
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
    pollMs: deps.pollMs,
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
  ) => {
    try {
      await runServiceSteps(service, steps, signal);
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
  ) => {
    const levelDeps = { ...gateDeps, signal };
    for (const [dep, { condition }] of Object.entries(service.dependsOn)) {
      const depService = desired.services[dep];
      if (!depService) continue;
      emit({ type: 'wait', service: service.name, message: `waiting for ${dep} (${condition})` });
      const result = await waitForDependency(
        gateDeps,
        condition,
        () => currentIds(dep),
        depService.gate.timeoutMs,
      );
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
      const id = changed.newId ?? '';
      let last: GateVerdict | undefined;
      const verdict = await gateContainer(levelDeps, service, id, (v) => {
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

  let failure: ServiceFailure | undefined;
  for (const level of desired.levels) {
    const work = level
      .map((name) => ({
        service: desired.services[name],
        plan: plan.services.find((p) => p.service === name),
      }))
      .filter(
        (w): w is { service: DesiredService; plan: NonNullable<typeof w.plan> } =>
          !!w.service && !!w.plan && w.plan.steps.length > 0,
      );
    // The first failure stops the level: the others' gates are aborted, not waited out.
    const levelAbort = new AbortController();
    const settled = work.map((w) =>
      runService(w.service, w.plan.steps, levelAbort.signal).catch((error: unknown) => {
        if (error instanceof ServiceFailed) failure ??= error.failure;
        else if (!levelAbort.signal.aborted) {
          failure ??= {
            service: w.service.name,
            reason: 'error',
            detail: error instanceof Error ? error.message : String(error),
            logTail: [],
          };
        }
        levelAbort.abort(new Error('another service of this level failed'));
      }),
    );
    await Promise.all(settled);
    if (failure) break;
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
  deps: ApplyDeps,
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
  const gateDeps = { engine: deps.engine, clock: deps.clock, pollMs: deps.pollMs };
  for (const r of restored.reverse()) {
    const service = desired.services[r.service];
    if (!service) continue;
    const verdict = await gateContainer(gateDeps, service, r.id);
    if (verdict.state !== 'passed') problems.push(`${r.service} did not come back: ${verdict.detail}`);
    else emit({ type: 'rollback', service: r.service, message: `previous ${r.service} answers again` });
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}
