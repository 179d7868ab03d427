import type { Engine } from '../engine/model.js';
import { BerthLabel, MANAGED_VALUE } from '../engine/model.js';

/**
 * The task label of everything a drill or a backup creates: `drill:<drill id>` or `backup:<id>`. A
 * drill's id starts with its backup's id (`<backup id>-<random>`), so the objects of a drill whose
 * process died can be found from the backup record it left running.
 */
const TASK = /^(drill|backup):/;

/** The drill id of a drill of `backupId`: the backup's id, then a random part. */
export const drillIdFor = (backupId: string, random: string): string => `${backupId}-${random}`;

/** Whether `task` is a task of backup `backupId`: taking it (`backup:<id>`) or one of its drills. */
export const isTaskOf = (task: string, backupId: string): boolean =>
  task === `backup:${backupId}` || task.startsWith(`drill:${backupId}-`);

/**
 * Removes what drills and backups left behind (a kill in the middle): their containers, networks and
 * volumes, found by Berth's labels and their task (`only`: that task, or the tasks it accepts).
 * Returns how many objects went.
 */
export async function removeLeftovers(
  engine: Engine,
  only?: string | ((task: string) => boolean),
): Promise<number> {
  const selector = { [BerthLabel.Managed]: MANAGED_VALUE, [BerthLabel.Role]: 'oneoff' } as const;
  const ours = (labels: Readonly<Record<string, string>>) => {
    const task = labels[BerthLabel.Task] ?? '';
    if (only === undefined) return TASK.test(task);
    return typeof only === 'string' ? task === only : TASK.test(task) && only(task);
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
