/*
 * In which order `down` and `restart` stop containers: dependents before what they depend on, the
 * services of one level together. Pure: takes the stack's levels (compose/graph.ts: level 0 has no
 * dependencies) and returns batches; the callers stop each batch in parallel, one batch after another.
 */

/** A container `down` stops and removes. */
export interface StopTarget {
  readonly id: string;
  readonly name: string;
  /** Its `dev.berth.service` label; absent on a container without one. */
  readonly service?: string;
  /** A container run for a task (a job, a drill, a backup helper): it uses the services, none needs it. */
  readonly oneOff?: boolean;
}

/**
 * The batches `down` stops and removes, first to last: one-off containers and containers of services
 * the levels do not name (gone from the files: nothing known depends on them), then each level from the
 * highest (the furthest dependents) down to level 0. Empty batches are left out; each batch keeps
 * the containers in the order given.
 */
export function stopBatches<T extends StopTarget>(
  containers: readonly T[],
  levels: readonly (readonly string[])[],
): T[][] {
  const levelOf = new Map<string, number>();
  levels.forEach((names, index) => {
    for (const name of names) if (!levelOf.has(name)) levelOf.set(name, index);
  });
  const first: T[] = [];
  const byLevel: T[][] = levels.map(() => []);
  for (const c of containers) {
    const level = c.oneOff || c.service === undefined ? undefined : levelOf.get(c.service);
    if (level === undefined) first.push(c);
    else byLevel[level]?.push(c);
  }
  return [first, ...byLevel.reverse()].filter((batch) => batch.length > 0);
}

/**
 * The levels a stored deployment plan says its services had (`services[].level`), for a `down` whose
 * files do not load. Undefined when the plan names no service (or is not a plan).
 */
export function levelsOfPlan(plan: unknown): string[][] | undefined {
  if (typeof plan !== 'object' || plan === null) return undefined;
  const services = (plan as { services?: unknown }).services;
  if (!Array.isArray(services)) return undefined;
  const levels: string[][] = [];
  for (const s of services as unknown[]) {
    if (typeof s !== 'object' || s === null) continue;
    const { service, level } = s as { service?: unknown; level?: unknown };
    if (typeof service !== 'string' || typeof level !== 'number' || !Number.isInteger(level) || level < 0)
      continue;
    while (levels.length <= level) levels.push([]);
    levels[level]?.push(service);
  }
  if (levels.length === 0) return undefined;
  return levels.map((names) => [...new Set(names)].sort());
}

/** What `restart` stops (batches, first to last) and restarts or starts again (in start order). */
export interface RestartOrder {
  /** Services to stop, a batch at a time (the services of one batch at once), dependents first. */
  readonly stop: readonly (readonly string[])[];
  /** Services to bring back, in start order (each starts once its dependencies among them are ready). */
  readonly start: readonly string[];
}

/**
 * `berth restart`: with a service, its transitive dependents stop first, the furthest level first (the
 * dependents of one level at once), then the service restarts and its dependents start again in
 * dependency order. Without one, the whole stack stops level by level from the top and starts again
 * from level 0. `dependents` are the service's transitive dependents (compose/graph.ts dependentsOf).
 */
export function restartOrder(
  levels: readonly (readonly string[])[],
  service?: string,
  dependents: readonly string[] = [],
): RestartOrder {
  if (service === undefined) {
    const stop = [...levels].reverse().filter((names) => names.length > 0);
    return { stop, start: levels.flat() };
  }
  const wanted = new Set(dependents.filter((d) => d !== service));
  const chosen = levels.map((names) => names.filter((name) => wanted.has(name)));
  // A dependent the levels do not name cannot be placed: it stops first and starts last.
  const placed = new Set(chosen.flat());
  const unplaced = [...wanted].filter((d) => !placed.has(d));
  const stop = [unplaced, ...[...chosen].reverse()].filter((names) => names.length > 0);
  return { stop, start: [service, ...chosen.flat(), ...unplaced] };
}
