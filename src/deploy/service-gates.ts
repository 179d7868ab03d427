import type { ServiceFailure } from '../api/deploy.js';
import { BerthLabel, isServiceContainer, stackSelector } from '../engine/model.js';
import type { DependsCondition, GateVerdict } from '../health/index.js';
import type { DesiredService } from './desired.js';
import type { DeployEvent } from './events.js';
import { describeFailure } from './failure.js';
import { type GateDeps, gateContainer, waitForDependency } from './gatekeeper.js';
import type { ChangedReplica } from './rollout.js';
import type { StepLog } from './step-log.js';
import type { ContainerWatch } from './watch.js';

/*
 * What a changed service waits for while a deploy applies it: the dependencies the deploy leaves
 * alone, before its containers change, and each new container's gate, after.
 */

/** A changed service's failure: what the deploy reports, and the reason it rolls back. */
export class ServiceFailed extends Error {
  constructor(readonly failure: ServiceFailure) {
    super(`${failure.service}: ${failure.reason}`);
  }
}

export interface UnchangedDependency {
  readonly dep: string;
  readonly condition: DependsCondition;
  readonly depService: DesiredService;
}

type ServiceGateDeps = GateDeps & { readonly watch: ContainerWatch; readonly signal: AbortSignal };

/**
 * Checks every unchanged dependency of `service` at once on its running containers; throws
 * ServiceFailed naming the first that does not hold. `passed`: when a deploy's gate last saw each
 * container pass (a recent pass answers service_healthy without a run of the check).
 */
export async function dependenciesHold(
  deps: ServiceGateDeps,
  stack: string,
  service: string,
  unchanged: readonly UnchangedDependency[],
  passed: ReadonlyMap<string, number>,
): Promise<void> {
  const currentIds = async (dep: string) =>
    (await deps.engine.containers.list({ ...stackSelector(stack), [BerthLabel.Service]: dep }, { all: true }))
      .filter(isServiceContainer)
      .map((c) => c.id);
  const results = await Promise.all(
    unchanged.map(({ dep, condition, depService }) =>
      waitForDependency(deps, dep, condition, () => currentIds(dep), {
        timeoutMs: depService.gate.timeoutMs,
        probeIntervalMs: depService.gate.probeIntervalMs,
        readyAt: (id) => passed.get(id),
      }).then((result) => ({ dep, result })),
    ),
  );
  for (const { dep, result } of results) {
    if (!result.holds)
      throw new ServiceFailed({
        service,
        reason: 'dependency',
        detail: `${dep}: ${result.why}`,
        logTail: [],
      });
  }
}

/**
 * Gates one new container, reporting progress as `gate` events; on a pass, notes when it passed
 * (`changed.readyAt`), otherwise throws ServiceFailed with what an operator needs to see. `log`: its
 * debug lines (start, pass or fail).
 */
export async function gateReplica(
  deps: ServiceGateDeps,
  service: DesiredService,
  changed: ChangedReplica,
  emit: (event: DeployEvent) => void,
  log?: StepLog,
): Promise<void> {
  const id = changed.newId ?? '';
  let last: GateVerdict | undefined;
  const gate = log?.gateStarted(service.name, changed.replica, id, 'deploy');
  const verdict = await gateContainer(deps, service, id, (v) => {
    if (v.state === 'pending' && v.detail !== last?.detail)
      emit({ type: 'gate', service: service.name, message: v.detail });
    last = v;
  }).catch((error: unknown) => {
    gate?.failed(deps.signal.aborted ? 'aborted' : 'error');
    throw error;
  });
  if (verdict.state !== 'passed') {
    const reason = verdict.state === 'failed' ? verdict.reason : 'timeout';
    gate?.failed(reason);
    throw new ServiceFailed(
      await describeFailure(
        deps.engine,
        service.name,
        id,
        reason,
        verdict.detail,
        (ms) => deps.clock.sleep(ms),
        verdict.state === 'failed' ? verdict.healthOutput : undefined,
      ),
    );
  }
  changed.readyAt = deps.clock.now().getTime();
  gate?.passed();
  emit({ type: 'gate', service: service.name, message: `passed: ${verdict.detail}` });
}
