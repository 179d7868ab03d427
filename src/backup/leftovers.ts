import type { Engine } from '../engine/model.js';
import { BerthLabel, MANAGED_VALUE } from '../engine/model.js';

/** The task label of everything a drill or a backup creates: `drill:<id>` or `backup:<id>`. */
const TASK = /^(drill|backup):/;

/**
 * Removes what drills and backups left behind (a kill in the middle): their containers, networks and
 * volumes, found by Berth's labels and their task. Returns how many objects went.
 */
export async function removeLeftovers(engine: Engine, only?: string): Promise<number> {
  const selector = { [BerthLabel.Managed]: MANAGED_VALUE, [BerthLabel.Role]: 'oneoff' } as const;
  const ours = (labels: Readonly<Record<string, string>>) => {
    const task = labels[BerthLabel.Task] ?? '';
    return only === undefined ? TASK.test(task) : task === only;
  };
  let removed = 0;
  for (const c of await engine.containers.list(selector, { all: true })) {
    if (!ours(c.labels)) continue;
    await engine.containers.remove(c.id, { force: true, volumes: true }).catch(() => undefined);
    removed++;
  }
  for (const n of await engine.networks.list(selector)) {
    if (!ours(n.labels)) continue;
    await engine.networks.remove(n.id).catch(() => undefined);
    removed++;
  }
  for (const v of await engine.volumes.list(selector)) {
    if (!ours(v.labels)) continue;
    await engine.volumes.remove(v.name, { force: true }).catch(() => undefined);
    removed++;
  }
  return removed;
}
