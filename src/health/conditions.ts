import type { DependsCondition } from '../compose/graph.js';
import { BerthLabel, ComposeLabel } from '../engine/labels.js';
import type { ContainerInfo } from '../engine/types.js';
import { exitCodeText, lastHealthCheck } from './describe.js';

export type { DependsCondition };

/** `final`: waiting longer cannot help (the replica exited, failed, or cannot ever be healthy). */
export type ConditionResult = { holds: true } | { holds: false; final: boolean; why: string };

const HOLDS: ConditionResult = { holds: true };

const notYet = (why: string): ConditionResult => ({ holds: false, final: false, why });
const never = (why: string): ConditionResult => ({ holds: false, final: true, why });

function serviceOf(info: ContainerInfo): string {
  return info.labels[BerthLabel.Service] ?? info.labels[ComposeLabel.Service] ?? info.name;
}

const exitedWith = (info: ContainerInfo): string => `${info.name} exited with ${exitCodeText(info.exitCode)}`;

/** `created` is the same for every condition: the engine leaves a container whose start failed there. */
function created(info: ContainerInfo): ConditionResult {
  return info.exitCode === 0
    ? notYet(`${info.name} is not started yet`)
    : never(`${info.name} failed to start (exit ${exitCodeText(info.exitCode)})`);
}

/**
 * Started means the engine started it. A replica that then exited with 0 counts as started, as in
 * compose (a one-shot that already finished did start); a non-zero exit does not, because a
 * dependent would start against a service that crashed.
 */
function started(info: ContainerInfo): ConditionResult {
  switch (info.state) {
    case 'running':
      return HOLDS;
    case 'exited':
      return info.exitCode === 0 && info.startedAt !== null ? HOLDS : never(exitedWith(info));
    case 'dead':
      return never(`${info.name} is dead`);
    case 'restarting':
      return notYet(`${info.name} is restarting after exit ${exitCodeText(info.exitCode)}`);
    case 'paused':
      return notYet(`${info.name} is paused`);
    case 'removing':
      return notYet(`${info.name} is being removed`);
    case 'created':
      return created(info);
  }
}

/** Like compose, an unhealthy replica ends the wait instead of waiting for it to recover. */
function healthy(info: ContainerInfo): ConditionResult {
  switch (info.state) {
    case 'running':
    case 'paused': {
      const health = info.health;
      if (health === undefined) {
        return never(
          `${serviceOf(info)} has no healthcheck; use condition service_started or add a healthcheck`,
        );
      }
      if (info.state === 'paused') return notYet(`${info.name} is paused`);
      if (health.status === 'healthy') return HOLDS;
      if (health.status === 'unhealthy') {
        // Its exit code only: what the check printed may hold secrets, and every role reads a deploy's
        // reasons (operators get the output from `berth health` and the failure's healthOutput).
        const exitCode = lastHealthCheck(info)?.exitCode;
        return never(
          `${info.name} is unhealthy${exitCode === undefined ? '' : `: its health check exited ${exitCode}`}`,
        );
      }
      return notYet(`${info.name} is not healthy yet (health: starting)`);
    }
    case 'exited':
      return never(exitedWith(info));
    case 'dead':
      return never(`${info.name} is dead`);
    case 'restarting':
      return notYet(`${info.name} is restarting after exit ${exitCodeText(info.exitCode)}`);
    case 'removing':
      return notYet(`${info.name} is being removed`);
    case 'created':
      return created(info);
  }
}

/**
 * A restart policy may start a finished one-shot again: `restarting` after exit 0 still counts as
 * completed, and `restarting` after a failure may yet succeed, so it is not final.
 */
function completed(info: ContainerInfo): ConditionResult {
  switch (info.state) {
    case 'exited':
      return info.exitCode === 0 ? HOLDS : never(`${exitedWith(info)} (it must exit with 0)`);
    case 'restarting':
      return info.exitCode === 0
        ? HOLDS
        : notYet(`${info.name} is restarting after exit ${exitCodeText(info.exitCode)}`);
    case 'dead':
      return never(`${info.name} is dead`);
    case 'running':
    case 'paused':
      return notYet(`${info.name} is still ${info.state}`);
    case 'removing':
      return notYet(`${info.name} is being removed`);
    case 'created':
      return created(info);
  }
}

const CHECKS: Readonly<Record<DependsCondition, (info: ContainerInfo) => ConditionResult>> = {
  service_started: started,
  service_healthy: healthy,
  service_completed_successfully: completed,
};

/**
 * Whether a depends_on condition holds over every replica of the dependency. A final answer
 * wins over a temporary one, so a wait ends as soon as any replica can no longer satisfy it.
 */
export function conditionHolds(
  condition: DependsCondition,
  infos: readonly ContainerInfo[],
): ConditionResult {
  if (infos.length === 0) return notYet('no container yet');
  let firstPending: ConditionResult | undefined;
  for (const info of infos) {
    const result = CHECKS[condition](info);
    if (result.holds) continue;
    if (result.final) return result;
    firstPending ??= result;
  }
  return firstPending ?? HOLDS;
}
