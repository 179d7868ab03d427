import { mapLimit } from '../compose/load/discover.js';
import type { Engine } from '../engine/model.js';
import type { DeployListener } from './events.js';
import type { DeployStores } from './ports.js';
import { MAX_PARALLEL_SERVICES } from './start-order.js';
import { levelsOfPlan, type StopTarget, stopBatches } from './stop-order.js';

/*
 * How `down` stops and removes the stack's containers: dependents first, by the depends_on graph of
 * the stack's files, or, when they do not load, by the levels its last deployment recorded; the
 * containers of one level at once (at most MAX_PARALLEL_SERVICES), each removed once it stopped.
 */

/** The stack's levels from its files, or why the files did not load. */
export type DownOrder = { readonly levels: readonly (readonly string[])[] } | { readonly unloaded: string };

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The levels to stop by: the files', else the last deployment's (saying so), else none. */
export function downLevels(
  store: Pick<DeployStores, 'deployments'>,
  stack: string,
  order: DownOrder,
  emit: DeployListener,
): readonly (readonly string[])[] {
  if ('levels' in order) return order.levels;
  const last = store.deployments.list(stack, { limit: 1 }).items[0];
  const levels = last === undefined ? undefined : levelsOfPlan(last.plan);
  const why = `${stack}'s files did not load (${order.unloaded})`;
  emit({
    type: 'plan',
    message:
      last !== undefined && levels !== undefined
        ? `${why}: stopping by the dependency order deployment ${last.id} recorded`
        : `${why} and no deployment recorded its dependency order: stopping every container at once`,
  });
  return levels ?? [];
}

/**
 * Stops and removes the containers, a batch at a time (stop-order.ts). A container that fails to go
 * is reported as it happens; the down stops after that batch (what depends on nothing left is not
 * pulled from under a container still there) and throws the first failure.
 */
export async function stopAndRemove(
  engine: Engine,
  containers: readonly StopTarget[],
  levels: readonly (readonly string[])[],
  emit: DeployListener,
): Promise<void> {
  for (const batch of stopBatches(containers, levels)) {
    const failures = await mapLimit(batch, MAX_PARALLEL_SERVICES, async (c) => {
      const service = c.service === undefined ? {} : { service: c.service };
      try {
        emit({ type: 'container', ...service, message: `stopping ${c.name}` });
        // A container that does not stop in time is killed by the removal.
        await engine.containers.stop(c.id).catch(() => undefined);
        await engine.containers.remove(c.id, { force: true });
        emit({ type: 'cleanup', ...service, message: `removed container ${c.name}` });
        return undefined;
      } catch (error: unknown) {
        emit({ type: 'failure', ...service, message: `could not remove ${c.name}: ${messageOf(error)}` });
        return { error };
      }
    });
    const failed = failures.find((f) => f !== undefined);
    if (failed !== undefined) throw failed.error;
  }
}
