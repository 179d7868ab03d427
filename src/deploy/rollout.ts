import type { ContainerSpec, Engine } from '../engine/model.js';
import { incomingName, isEngineError, parkedName } from '../engine/model.js';
import type { ContainerStep } from './plan.js';

/**
 * One replica changed by a deploy, with what is needed to undo it: the new container, and the old
 * one parked under another name (stopped, or still serving during a start-first rollout).
 */
export interface ChangedReplica {
  readonly service: string;
  readonly replica: number;
  readonly name: string;
  newId?: string;
  readonly old?: { readonly id: string; readonly parkedName: string; wasRunning: boolean; parked: boolean };
  /** A `start` step: the container existed, stopped; undo stops it again. */
  readonly startedOnly?: boolean;
  readonly strategy: 'stop-first' | 'start-first';
}

async function ignoreMissing(action: Promise<unknown>): Promise<void> {
  try {
    await action;
  } catch (error: unknown) {
    if (!(isEngineError(error) && error.code === 'ENGINE_NOT_FOUND')) throw error;
  }
}

/** Applies one container step. The returned record is filled in as the step advances, so a failure halfway can still be undone. */
export async function applyStep(
  engine: Engine,
  step: ContainerStep,
  deploymentId: number,
  record: (changed: ChangedReplica) => void,
): Promise<ChangedReplica> {
  if (step.kind === 'start') {
    const changed: ChangedReplica = {
      service: step.service,
      replica: step.replica,
      name: step.current.name,
      newId: step.current.id,
      startedOnly: true,
      strategy: 'stop-first',
    };
    record(changed);
    await engine.containers.start(step.current.id);
    return changed;
  }
  if (step.kind === 'create') {
    const changed: ChangedReplica = {
      service: step.service,
      replica: step.replica,
      name: step.spec.name,
      strategy: 'stop-first',
    };
    record(changed);
    changed.newId = (await engine.containers.create(step.spec)).id;
    await engine.containers.start(changed.newId);
    return changed;
  }
  const parkedAs = parkedName(step.current.name, deploymentId);
  const before = await engine.containers.inspect(step.current.id);
  const changed: ChangedReplica = {
    service: step.service,
    replica: step.replica,
    name: step.spec.name,
    old: { id: step.current.id, parkedName: parkedAs, wasRunning: before.state === 'running', parked: false },
    strategy: step.strategy,
  };
  record(changed);
  if (step.strategy === 'stop-first') {
    await engine.containers.stop(step.current.id, step.spec.stopTimeoutSeconds);
    await engine.containers.rename(step.current.id, parkedAs);
    if (changed.old) changed.old.parked = true;
    changed.newId = (await engine.containers.create(step.spec)).id;
    await engine.containers.start(changed.newId);
  } else {
    const spec: ContainerSpec = { ...step.spec, name: incomingName(step.spec.name, deploymentId) };
    changed.newId = (await engine.containers.create(spec)).id;
    await engine.containers.start(changed.newId);
  }
  return changed;
}

/** After a start-first replica passed its gate: retire the old container and give the new one its name. */
export async function promote(
  engine: Engine,
  changed: ChangedReplica,
  stopTimeoutSeconds?: number,
): Promise<void> {
  if (changed.strategy !== 'start-first' || !changed.old || !changed.newId || changed.old.parked) return;
  await engine.containers.stop(changed.old.id, stopTimeoutSeconds);
  await engine.containers.rename(changed.old.id, changed.old.parkedName);
  changed.old.parked = true;
  await engine.containers.rename(changed.newId, changed.name);
}

/** Undoes one changed replica: removes the new container and puts the old one back as it was. */
export async function undo(engine: Engine, changed: ChangedReplica): Promise<string | undefined> {
  if (changed.startedOnly) {
    if (changed.newId) await ignoreMissing(engine.containers.stop(changed.newId));
    return undefined;
  }
  if (changed.newId) await ignoreMissing(engine.containers.remove(changed.newId, { force: true }));
  if (!changed.old) return undefined;
  if (changed.old.parked) await engine.containers.rename(changed.old.id, changed.name);
  if (changed.old.wasRunning)
    await engine.containers.start(changed.old.id).catch(async (error: unknown) => {
      // start on a running container (start-first never stopped it) is fine; anything else is not.
      const info = await engine.containers.inspect(changed.old?.id ?? '');
      if (info.state !== 'running') throw error;
    });
  return changed.old.wasRunning ? changed.old.id : undefined;
}

/** After success: the parked old containers are no longer needed. Volumes are never removed. */
export async function retire(engine: Engine, changed: ChangedReplica): Promise<void> {
  if (changed.old) await ignoreMissing(engine.containers.remove(changed.old.id, { force: true }));
}
