import { type Engine, isOneOff, ownedBy, stackSelector } from '../engine/model.js';
import { DeployError } from './errors.js';
import type { DeployEvent, DeployListener } from './events.js';
import { inspectOrMissing } from './gatekeeper.js';
import type { DeployStores } from './ports.js';
import { isEmptyRecovery, planRecovery, type RecoveryStep, startRestored } from './recovery.js';

export interface RecoverDeps {
  readonly engine: Engine;
  readonly store: Pick<DeployStores, 'appliedSpecs' | 'deployments'>;
}

const text = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Before a deploy plans (holding the stack's lock): puts back what an interrupted deploy (or one
 * that failed with `rollback: manual`) left — its
 * parked last good containers restored under their names, and started again if that deploy stopped
 * them; the unverified containers it started removed (each looked at again: only a container Berth
 * made for this stack goes). Each step is told (`emit`) and added to the interrupted deployment's
 * events. A restore that fails stops the deploy (`DEPLOY_RECOVERY_FAILED`) before anything is
 * planned, so the last good container is never taken for a left-over.
 */
export interface RecoverOptions {
  /**
   * Only what interrupted deployments left, not the containers a `rollback: manual` failure kept for
   * inspection (`berth restart`: restarting them is what the operator asked for); a restore that
   * cannot be planned is then left to the next deploy.
   */
  readonly interruptedOnly?: boolean;
  /** What does not happen when the recovery fails, for the hint (default `deployed`). */
  readonly verb?: string;
}

export async function recoverInterrupted(
  deps: RecoverDeps,
  stack: string,
  emit: DeployListener,
  options: RecoverOptions = {},
): Promise<void> {
  const containers = await deps.engine.containers.list(stackSelector(stack), { all: true });
  const planned = planRecovery({ stack, containers, applied: deps.store.appliedSpecs.list(stack) });
  const plan = options.interruptedOnly
    ? {
        steps: planned.steps.filter((step) => {
          const d = deps.store.deployments.get(step.deploymentId);
          return d?.stack !== stack || d.status === 'interrupted';
        }),
        problems: [],
      }
    : planned;
  if (isEmptyRecovery(plan)) return;
  const tell = (deploymentId: number, event: DeployEvent) => {
    const d = deps.store.deployments.get(deploymentId);
    // A deployment with no record left its containers by dying (an earlier state file, say).
    const message = `recovered from ${d?.stack === stack ? d.status : 'interrupted'} deployment ${deploymentId}: ${event.message}`;
    if (d?.stack === stack)
      deps.store.deployments.appendEvent(deploymentId, {
        type: event.type,
        message,
        ...(event.service ? { service: event.service } : {}),
        // `berth deployments` shows these lines under the deployment they put back.
        data: { recovery: true },
      });
    emit({ ...event, message });
  };
  const failed: string[] = [...plan.problems];
  for (const step of plan.steps) {
    try {
      await (step.kind === 'restore' ? restore(deps, stack, step, tell) : discard(deps, stack, step, tell));
    } catch (error: unknown) {
      const what = step.kind === 'restore' ? step.parked.name : step.container.name;
      failed.push(`${what}: ${text(error)}`);
    }
  }
  if (failed.length > 0)
    throw new DeployError(
      'DEPLOY_RECOVERY_FAILED',
      `cannot put back what an interrupted deploy of ${stack} left:\n  ${failed.join('\n  ')}`,
      `nothing was ${options.verb ?? 'deployed'}; the last good containers are kept (\`docker ps -a\` lists them as <name>-berth-prev-<deployment>): fix the cause and run again`,
    );
}

async function restore(
  deps: RecoverDeps,
  stack: string,
  step: Extract<RecoveryStep, { kind: 'restore' }>,
  tell: (deploymentId: number, event: DeployEvent) => void,
): Promise<void> {
  const { engine } = deps;
  let removed = '';
  if (step.displace) {
    const info = await inspectOrMissing(engine, step.displace.id);
    if (info && !(ownedBy(info.labels, stack) && !isOneOff(info.labels)))
      throw new Error(`${step.name} is held by a container Berth did not make for ${stack}`);
    if (info) {
      await engine.containers.remove(step.displace.id, { force: true });
      removed = `, removing the container that deploy had started under that name (${step.displace.id.slice(0, 12)})`;
    }
  }
  await engine.containers.rename(step.parked.id, step.name);
  const info = await engine.containers.inspect(step.parked.id);
  const started = startRestored(info, deps.store.deployments.get(step.deploymentId)?.startedAt);
  if (started) await engine.containers.start(step.parked.id);
  tell(step.deploymentId, {
    type: 'rollback',
    service: step.service,
    message: `restored the last good ${step.name}${removed}${
      started
        ? ''
        : info.state === 'running'
          ? ' (it was still running)'
          : ` (left ${info.state}, as before that deploy)`
    }`,
  });
}

async function discard(
  deps: RecoverDeps,
  stack: string,
  step: Extract<RecoveryStep, { kind: 'discard' }>,
  tell: (deploymentId: number, event: DeployEvent) => void,
): Promise<void> {
  const info = await inspectOrMissing(deps.engine, step.container.id);
  if (!info) return;
  if (!ownedBy(info.labels, stack) || isOneOff(info.labels))
    throw new Error(`${step.container.name} is not a container Berth made for ${stack}`);
  await deps.engine.containers.remove(step.container.id, { force: true });
  tell(step.deploymentId, {
    type: 'cleanup',
    service: step.service,
    message: `removed ${step.container.name}, which never passed its gate`,
  });
}
