// Engine helpers shared by the benchmarks that deploy real stacks.
import type { Engine } from '../../src/engine/model.js';

/** Removes the containers (with their anonymous volumes), networks and volumes carrying `selector`. */
export async function removeLabelled(engine: Engine, selector: Record<string, string>): Promise<void> {
  for (const c of await engine.containers.list(selector, { all: true }))
    await engine.containers.remove(c.id, { force: true, volumes: true });
  for (const n of await engine.networks.list(selector)) await engine.networks.remove(n.id);
  for (const v of await engine.volumes.list(selector)) await engine.volumes.remove(v.name, { force: true });
}
