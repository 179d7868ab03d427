import type { DownResult } from '../api/deploy.js';
import { type Engine, isEngineError } from '../engine/model.js';
import { DeployError } from './errors.js';

/*
 * What `down` keeps because a container Berth did not make still uses it (`docker run --network
 * <stack>_default …`, a volume mounted by hand): Berth never removes such a container, so the
 * network or volume stays, and the operator is told which container holds it and what to do.
 */

export interface Kept {
  readonly kind: 'network' | 'volume';
  readonly name: string;
  /** The containers still using it (names, or ids when a name cannot be read). */
  readonly holders: readonly string[];
}

export function keptText(k: Kept): string {
  const one = k.holders.length === 1;
  const what = `${one ? 'container' : 'containers'} ${k.holders.join(', ')} (not this stack's)`;
  const how =
    k.kind === 'network' ? (one ? 'is attached to it' : 'are attached to it') : one ? 'uses it' : 'use it';
  return `kept ${k.kind} ${k.name}: ${what} ${how}`;
}

/** What to do about each kept object, as commands. */
export function keptHint(kept: readonly Kept[]): string {
  const steps = kept.flatMap((k) =>
    k.holders.map((h) =>
      k.kind === 'network'
        ? `docker network disconnect ${k.name} ${h}`
        : `remove ${h} yourself if it may go (docker rm -f ${h}): it mounts ${k.name}`,
    ),
  );
  return `Berth never removes a container it did not make for this stack: ${steps.join('; ')}; then run berth down again`;
}

export function incomplete(stack: string, result: DownResult, kept: readonly Kept[]): DeployError {
  const removed = [
    `${result.containers.length} container${result.containers.length === 1 ? '' : 's'}`,
    `${result.networks.length} network${result.networks.length === 1 ? '' : 's'}`,
    `${result.volumes.length} volume${result.volumes.length === 1 ? '' : 's'}`,
  ].join(', ');
  return new DeployError(
    'DEPLOY_DOWN_INCOMPLETE',
    `${stack} is only partly down: removed ${removed}; ${kept.map(keptText).join('; ')}`,
    keptHint(kept),
  );
}

/** The container ids an engine "volume is in use - [id, …]" error names. Pure. */
export function idsInUse(message: string): string[] {
  const m = /in use[^[]*\[([^\]]*)\]/i.exec(message);
  return (m?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^[0-9a-f]{12,64}$/i.test(s));
}

async function nameOf(engine: Engine, id: string): Promise<string> {
  return engine.containers.inspect(id).then(
    (c) => c.name,
    () => id.slice(0, 12),
  );
}

/** The containers attached to a network now, by id and name (a short id when it has none). */
async function attachedContainers(engine: Engine, network: string): Promise<{ id: string; name: string }[]> {
  const info = await engine.networks.inspect(network).catch((error: unknown) => {
    if (isEngineError(error, 'ENGINE_NOT_FOUND')) return undefined;
    throw error;
  });
  return Object.entries(info?.containers ?? {}).map(([id, c]) => ({ id, name: c.name || id.slice(0, 12) }));
}

/** The names of the containers attached to a network now. */
export async function attached(engine: Engine, network: string): Promise<string[]> {
  return (await attachedContainers(engine, network)).map((c) => c.name);
}

/**
 * What `down` would keep, changing nothing (`down --dry-run`): the planned networks and volumes that
 * containers other than the planned ones (`removed`, by id) use now.
 */
export async function wouldKeep(
  engine: Engine,
  plan: {
    readonly containers: readonly { readonly id: string }[];
    readonly networks: readonly { readonly id: string; readonly name: string }[];
    readonly volumes: readonly { readonly name: string }[];
  },
): Promise<Kept[]> {
  const removed = new Set(plan.containers.map((c) => c.id));
  const kept: Kept[] = [];
  for (const n of plan.networks) {
    const users = await attachedContainers(engine, n.id);
    const holders = users.filter((c) => !removed.has(c.id)).map((c) => c.name);
    if (holders.length > 0) kept.push({ kind: 'network', name: n.name, holders });
  }
  for (const v of plan.volumes) {
    const users = await engine.containers.list({}, { all: true, volume: v.name });
    const holders = users.filter((c) => !removed.has(c.id)).map((c) => c.name);
    if (holders.length > 0) kept.push({ kind: 'volume', name: v.name, holders });
  }
  return kept;
}

/** Removes the network; when a container was attached meanwhile, its holders instead of the error. */
export async function removeOrHolders(engine: Engine, n: { id: string; name: string }): Promise<string[]> {
  try {
    await engine.networks.remove(n.id);
    return [];
  } catch (error: unknown) {
    if (isEngineError(error, 'ENGINE_NOT_FOUND')) return [];
    const holders = /active endpoints/i.test(error instanceof Error ? error.message : '')
      ? await attached(engine, n.id)
      : [];
    if (holders.length === 0) throw error;
    return holders;
  }
}

/** After a failed volume removal: the containers using it, or the error again when it is another failure. */
export async function volumeHolders(engine: Engine, error: unknown): Promise<string[]> {
  if (isEngineError(error, 'ENGINE_NOT_FOUND')) return [];
  const ids = isEngineError(error, 'ENGINE_CONFLICT') ? idsInUse(error.message) : [];
  if (ids.length === 0) throw error;
  return Promise.all(ids.map((id) => nameOf(engine, id)));
}
