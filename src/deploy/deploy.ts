import type { Trigger, UpResult } from '../api/deploy.js';
import type { Clock } from '../clock.js';
import { everySensitiveValue } from '../compose/sensitive.js';
import type { LoadedStack } from '../compose/stack.js';
import { type Engine, ownedBy, stackSelector } from '../engine/model.js';
import { maskError } from '../secrets/mask.js';
import type { LockOwner } from '../store/index.js';
import { failedDeployData, failedDeployText } from './alert-text.js';
import { applyPlan } from './apply.js';
import { buildImages } from './build-images.js';
import { firstPlan, imageAtOf, planDeploy } from './deploy-plan.js';
import { DeployError } from './errors.js';
import type { DeployEvent, DeployListener } from './events.js';
import { afterDeployImages } from './image-upkeep.js';
import { endedInstallPhases } from './install.js';
import { failureSummary, recordApplied, recordServiceResults } from './outcome.js';
import { isEmpty, type Plan } from './plan.js';
import type { DeployStores } from './ports.js';
import { pullImages, type RegistryAuthFor } from './pull-images.js';
import { recoverInterrupted } from './recover.js';
import { maskEvent, maskFailure, maskPlan, stackMasker, withEventReasons } from './redact.js';
import type { DeployDebugLog } from './step-log.js';
import { imageSettings } from './xberth.js';

export interface DeployDeps {
  readonly engine: Engine;
  readonly store: DeployStores;
  readonly clock: Clock;
  /** Who holds the stack lock while deploying (pid, host, a random token). */
  readonly owner: LockOwner;
  /** How often an install phase's end condition is checked (default 1 s). Gates do not poll. */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
  /** Credentials for the registries images are pulled from; absent: anonymous pulls. */
  readonly registryAuth?: RegistryAuthFor;
  /** The image references other stacks of the workspace name (image pruning keeps those images). */
  readonly imagesNamedElsewhere?: (stack: string) => Promise<ReadonlySet<string>>;
  /** Debug lines of the plan's execution: each step, gate and rollback (step-log.ts). */
  readonly log?: DeployDebugLog;
}

export interface DeployOptions {
  readonly trigger?: Trigger;
  readonly actor?: string;
  /** Rebuild images of services with `build:` even when they exist. */
  readonly build?: boolean;
  readonly onEvent?: DeployListener;
  /**
   * Runs once the plan is final and before anything changes (builds aside): backups of the services
   * the plan replaces. It returns what it took; throwing stops the deploy, changing nothing.
   */
  readonly beforeApply?: (
    plan: Plan,
    record: DeployListener,
  ) => Promise<ReadonlyArray<{ service: string; id: string }>>;
}

export { planDeploy };

/** How the deploy ended, and the plan it applied (the plan stays in the process: it holds secrets). */
export interface DeployResult extends UpResult {
  readonly plan: Plan;
}

async function containerIds(engine: Engine, stack: string): Promise<Map<string, string>> {
  const containers = await engine.containers.list(stackSelector(stack), { all: true });
  return new Map(containers.map((c) => [c.name, c.id]));
}

/** `berth up`: one deployment at a time per stack; converges after an interrupted one. */
export async function deployStack(
  deps: DeployDeps,
  loaded: LoadedStack,
  options: DeployOptions = {},
): Promise<DeployResult> {
  const stack = loaded.name;
  // What leaves the deploy (events, records, results, errors) is masked: a secret interpolated into a
  // label or a healthcheck, or printed by a failing container, is never shown or stored in clear.
  const mask = stackMasker(loaded);
  const lock = deps.store.locks.acquire(stack, { owner: deps.owner });
  if (!lock.ok) {
    const id = lock.heldBy.deploymentId;
    throw new DeployError(
      'DEPLOY_IN_PROGRESS',
      `deployment ${id ?? '(starting)'} in progress for ${stack} (pid ${lock.heldBy.owner.pid} on ${lock.heldBy.owner.host}, since ${lock.heldBy.since})`,
      'wait for it to finish, or follow it with `berth deployments`',
    );
  }
  try {
    deps.store.deployments.markInterrupted(stack, 'the process running it stopped before it finished');
    // What an interrupted deploy left (its parked last good containers, the unverified ones it
    // started) is put back first: the plan, and a rollback, then start from the last good state.
    await recoverInterrupted(deps, stack, (e) => options.onEvent?.(maskEvent(e, mask)));
    let result = await deployOnce(deps, loaded, options, new Set(), mask);
    // An ended install phase changes the desired env: one more pass recreates those services without
    // it, and only when that pass succeeds is the phase recorded as completed (never re-applied).
    const ended = new Set(result.installCompleted);
    if ((result.outcome === 'succeeded' || result.outcome === 'unchanged') && ended.size > 0) {
      deps.signal?.throwIfAborted();
      const again = await deployOnce(deps, loaded, { ...options, trigger: 'install-phase' }, ended, mask);
      if (again.outcome === 'succeeded' || again.outcome === 'unchanged') {
        for (const service of ended) {
          if (!deps.store.installState.get(stack, service))
            deps.store.installState.start(stack, service, 'install');
          deps.store.installState.complete(stack, service);
        }
      }
      result = again.outcome === 'unchanged' ? result : again;
    }
    const { installCompleted: _, ...out } = result;
    return out;
  } catch (error: unknown) {
    throw maskError(error, mask);
  } finally {
    deps.store.locks.release(stack, deps.owner.token);
  }
}

async function deployOnce(
  deps: DeployDeps,
  loaded: LoadedStack,
  options: DeployOptions,
  installEnded: ReadonlySet<string>,
  mask: (text: string) => string,
): Promise<DeployResult & { installCompleted: string[] }> {
  const masked = (e: DeployEvent): DeployEvent => maskEvent(e, mask);
  const emit = (e: DeployEvent) => options.onEvent?.(masked(e));
  // The install phase's second pass deploys the images the first pass pulled and built.
  const secondPass = installEnded.size > 0;
  const first = await firstPlan(
    deps,
    loaded,
    {
      ...(options.build && !secondPass ? { build: true } : {}),
      ...(secondPass ? { pulled: true } : {}),
      installEnded,
    },
    emit,
  );
  // The pulls that ran already, when they were all the plan had; shown with the plan they led to.
  const withPulled = (plan: Plan): Plan =>
    first.pulled.length > 0 ? { ...plan, pulls: first.pulled } : plan;
  if (isEmpty(first.plan)) {
    // Nothing to change; a pending install phase is checked once (no waiting, no deployment record).
    const pending = Object.values(first.desired.services).some((s) => s.install);
    const ids = pending ? await containerIds(deps.engine, loaded.name) : new Map<string, string>();
    const installCompleted = pending ? await endedInstallPhases(deps, first.desired, ids, [], emit) : [];
    return {
      stack: loaded.name,
      outcome: 'unchanged',
      changedServices: [],
      plan: withPulled(first.plan),
      installCompleted,
    };
  }
  const deployment = deps.store.deployments.create({
    stack: loaded.name,
    trigger: options.trigger ?? 'cli',
    plan: maskPlan(withPulled(first.plan), mask),
    ...(options.actor ? { actor: options.actor } : {}),
  });
  deps.store.locks.attach(loaded.name, deps.owner.token, deployment.id);
  const record = (event: DeployEvent) => {
    const e = masked(event);
    deps.store.deployments.appendEvent(deployment.id, {
      type: e.type,
      message: e.message,
      ...(e.service ? { service: e.service } : {}),
      ...(e.data ? { data: e.data } : {}),
    });
    options.onEvent?.(e);
  };
  try {
    await pullImages({ ...deps, mask, imageAt: imageAtOf(first.desired) }, first.plan, record);
    await buildImages({ ...deps, mask }, first.plan, record);
    // What the pulls and builds produced decides what is recreated: plan again with it.
    const changedImages = first.plan.pulls.length > 0 || first.plan.builds.length > 0;
    const replanned = changedImages ? await planDeploy(deps, loaded, { installEnded, pulled: true }) : first;
    const { desired, imageIds, observed } = replanned;
    // The plan as applied: the pulls and builds that ran, and the container steps of the new images.
    const plan = withPulled({ ...replanned.plan, pulls: first.plan.pulls, builds: first.plan.builds });
    const backups = options.beforeApply ? await options.beforeApply(plan, record) : [];
    record({
      type: 'plan',
      message: `deploying ${loaded.name}: ${
        plan.services
          .filter((s) => s.steps.length > 0)
          .map((s) => s.service)
          .join(', ') || 'no container changes'
      }`,
    });
    const applied = await applyPlan(
      {
        engine: deps.engine,
        store: deps.store,
        clock: deps.clock,
        ...(deps.signal ? { signal: deps.signal } : {}),
        ...(deps.log ? { log: deps.log } : {}),
      },
      deployment.id,
      desired,
      withEventReasons(plan, mask),
      record,
    );
    // Log tails, health output and engine errors quote whatever the containers printed.
    const result = {
      ...applied,
      ...(applied.failure ? { failure: maskFailure(applied.failure, mask) } : {}),
      ...(applied.rollbackProblem ? { rollbackProblem: mask(applied.rollbackProblem) } : {}),
    };
    // The stack's containers now: those the plan saw, and the new ones under their names.
    const ids = new Map([
      ...observed.containers
        .filter((c) => ownedBy(c.labels, loaded.name))
        .map((c) => [c.name, c.id] as const),
      ...result.newIds,
    ]);
    if (result.outcome === 'succeeded')
      recordApplied(
        deps.store,
        desired,
        imageIds,
        deployment.id,
        ids,
        applied.readyAt,
        everySensitiveValue(loaded.sensitive),
      );
    recordServiceResults(
      deps.store,
      deployment.id,
      desired,
      plan.services.filter((s) => s.steps.length > 0).map((s) => s.service),
      result,
    );
    const summary = failureSummary(result, backups);
    deps.store.deployments.finish(deployment.id, result.outcome, summary);
    // Told once the outcome is known (rolled back or not): a failed deploy's alert hangs on it.
    const failed =
      result.outcome !== 'succeeded' && result.failure
        ? {
            stack: loaded.name,
            deploymentId: deployment.id,
            outcome: result.outcome,
            failure: result.failure,
            ...(result.rollbackProblem ? { rollbackProblem: result.rollbackProblem } : {}),
            first: !observed.containers.some((c) => ownedBy(c.labels, loaded.name)),
            backups,
          }
        : undefined;
    record(
      failed
        ? {
            type: 'done',
            service: failed.failure.service,
            message: failedDeployText(failed),
            data: failedDeployData(failed),
          }
        : {
            type: 'done',
            message: `deployment ${deployment.id}: ${result.outcome}${summary ? ` — ${summary}` : ''}`,
          },
    );
    // The result is recorded and nothing can be rolled back any more: only now do the previous
    // containers go (a parked one left behind goes with the next deploy's plan).
    for (const problem of (await applied.retire?.()) ?? [])
      record({ type: 'cleanup', message: `could not remove ${problem}; the next deploy removes it` });
    // The versions now running are recorded as deployed; the ones beyond the retention go.
    if (result.outcome === 'succeeded')
      await afterDeployImages(deps, loaded, desired, imageIds, imageSettings(loaded.xberth.stack), record);
    // Whether an install phase ended decides on a next pass, not this deployment's outcome.
    const installCompleted =
      result.outcome === 'succeeded'
        ? await endedInstallPhases(deps, desired, ids, result.changedServices, record)
        : [];
    return {
      stack: loaded.name,
      deploymentId: deployment.id,
      outcome: result.outcome,
      ...(result.failure ? { failure: result.failure } : {}),
      ...(result.rollbackProblem ? { rollbackProblem: result.rollbackProblem } : {}),
      changedServices: result.changedServices,
      ...(backups.length > 0 ? { backups: [...backups] } : {}),
      plan,
      installCompleted,
    };
  } catch (error: unknown) {
    // Aborted (the server shutting down): the deploy undid its changes and is recorded interrupted.
    // An abort while waiting for an install phase comes after the outcome was recorded: it stays.
    const message = mask(error instanceof Error ? error.message : String(error));
    if (deps.store.deployments.get(deployment.id)?.status === 'running')
      deps.store.deployments.finish(deployment.id, deps.signal?.aborted ? 'interrupted' : 'failed', message);
    throw error;
  }
}
