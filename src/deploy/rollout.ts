import type { ContainerSpec, Engine, NetworkAttachmentSpec } from '../engine/model.js';
import { incomingName, isEngineError, parkedName } from '../engine/model.js';
import type { ContainerStep } from './plan-types.js';

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
  /** When the new container passed its gate (ms since the epoch). */
  readyAt?: number;
  /**
   * A start-first replica: the networks its new container joins with the service's aliases once
   * promoted (it ran its gate reachable only by its own name, so clients keep the old one).
   */
  readonly aliasesAtPromotion?: readonly NetworkAttachmentSpec[];
  /** A promoted start-first replica: the old container's graceful stop, under way (never rejects). */
  stopping?: Promise<void>;
}

async function ignoreMissing(action: Promise<unknown>): Promise<void> {
  try {
    await action;
  } catch (error: unknown) {
    if (!(isEngineError(error) && error.code === 'ENGINE_NOT_FOUND')) throw error;
  }
}

/**
 * The container a step creates, when it can be created ahead of time (while the service waits for
 * its dependencies): a new replica, or a start-first replacement under its incoming name. A
 * stop-first replacement cannot: its name is the old container's until that one is parked.
 */
export function preparableSpec(step: ContainerStep, deploymentId: number): ContainerSpec | undefined {
  if (step.kind === 'create') return step.spec;
  if (step.kind === 'recreate' && step.strategy === 'start-first')
    return {
      ...step.spec,
      name: incomingName(step.spec.name, deploymentId),
      // Not the service's aliases until it passed its gate: the service name keeps the old one.
      networks: step.spec.networks.map((n) => ({ ...n, aliases: [] })),
    };
  return undefined;
}

/**
 * Gives a promoted container the service's aliases: the engine cannot add aliases to an endpoint,
 * so it leaves each network and joins it again with them.
 */
async function takeAliases(
  engine: Engine,
  id: string,
  networks: readonly NetworkAttachmentSpec[],
): Promise<void> {
  for (const n of networks) {
    if (n.aliases.length === 0) continue;
    await engine.networks.disconnect(n.name, id);
    await engine.networks.connect(n.name, id, {
      aliases: n.aliases,
      ...(n.ipv4Address === undefined ? {} : { ipv4Address: n.ipv4Address }),
      ...(n.ipv6Address === undefined ? {} : { ipv6Address: n.ipv6Address }),
    });
  }
}

/**
 * Applies one container step. The returned record is filled in as the step advances, so a failure
 * halfway can still be undone. `prepared`: the id of the container `preparableSpec` created ahead
 * of time (this step then owns it), instead of creating it here.
 */
export async function applyStep(
  engine: Engine,
  step: ContainerStep,
  deploymentId: number,
  record: (changed: ChangedReplica) => void,
  prepared?: Promise<string>,
): Promise<ChangedReplica> {
  const create = (spec: ContainerSpec) => prepared ?? engine.containers.create(spec).then((c) => c.id);
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
    changed.newId = await create(step.spec);
    await engine.containers.start(changed.newId);
    return changed;
  }
  const parkedAs = parkedName(step.current.name, deploymentId);
  // A start-first replacement's new container is created while the old one is looked at.
  const incoming = preparableSpec(step, deploymentId);
  const [looked, created] = await Promise.allSettled([
    engine.containers.inspect(step.current.id),
    incoming ? create(incoming) : Promise.resolve(undefined),
  ]);
  const changed: ChangedReplica = {
    service: step.service,
    replica: step.replica,
    name: step.spec.name,
    ...(created.status === 'fulfilled' && created.value !== undefined ? { newId: created.value } : {}),
    ...(looked.status === 'fulfilled'
      ? {
          old: {
            id: step.current.id,
            parkedName: parkedAs,
            wasRunning: looked.value.state === 'running',
            parked: false,
          },
        }
      : {}),
    strategy: step.strategy,
    ...(step.strategy === 'start-first' ? { aliasesAtPromotion: step.spec.networks } : {}),
  };
  record(changed);
  if (looked.status === 'rejected') throw looked.reason;
  if (created.status === 'rejected') throw created.reason;
  if (step.strategy === 'stop-first') {
    // Parked first (a running container may be renamed), so the new one is created under its name
    // while the old one stops; it starts only once the old one has stopped.
    await engine.containers.rename(step.current.id, parkedAs);
    if (changed.old) changed.old.parked = true;
    const [stopped, made] = await Promise.allSettled([
      engine.containers.stop(step.current.id, step.spec.stopTimeoutSeconds),
      engine.containers.create(step.spec).then((c) => {
        changed.newId = c.id;
        return c.id;
      }),
    ]);
    if (stopped.status === 'rejected') throw stopped.reason;
    if (made.status === 'rejected') throw made.reason;
    await engine.containers.start(made.value);
  } else if (created.value !== undefined) await engine.containers.start(created.value);
  return changed;
}

/**
 * After a start-first replica passed its gate: the old container is parked and the new one takes
 * its name (two renames, both allowed while running) and the service's aliases (from then on both
 * answer to the service name, until the old one has stopped), and the old one's graceful stop starts
 * without being waited for: dependents need not wait for it. `undo` and `retire` wait for it.
 */
export async function promote(
  engine: Engine,
  changed: ChangedReplica,
  stopTimeoutSeconds?: number,
): Promise<void> {
  const old = changed.old;
  if (changed.strategy !== 'start-first' || !old || !changed.newId || old.parked) return;
  await engine.containers.rename(old.id, old.parkedName);
  old.parked = true;
  await engine.containers.rename(changed.newId, changed.name);
  await takeAliases(engine, changed.newId, changed.aliasesAtPromotion ?? []);
  // A failed stop is not the deploy's failure: retire removes the container anyway (force), and
  // undo starts it again if it stopped.
  changed.stopping = engine.containers.stop(old.id, stopTimeoutSeconds).then(
    () => undefined,
    () => undefined,
  );
}

/** Undoes one changed replica: removes the new container and puts the old one back as it was. */
export async function undo(engine: Engine, changed: ChangedReplica): Promise<string | undefined> {
  await changed.stopping;
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
  await changed.stopping;
  if (changed.old) await ignoreMissing(engine.containers.remove(changed.old.id, { force: true }));
}
