import { serviceContainers } from '../deploy/containers.js';
import { desiredState } from '../deploy/desired.js';
import type { Engine } from '../engine/model.js';
import type { JobEntry } from './catalog.js';
import type { AttemptTarget } from './execute.js';

/**
 * Where an attempt runs: the service's first running container (`exec`), or the container spec the
 * service would be deployed with now, to make a one-off from (`oneoff`: like `docker compose run`,
 * it follows the files, not what an older deploy left running).
 */
export async function attemptTarget(
  engine: Engine,
  entry: JobEntry,
  runId: number,
  argv: readonly string[],
): Promise<AttemptTarget> {
  const { key, definition } = entry;
  const base = { ...key, runId, argv, timeoutMs: definition.timeoutMs };
  if (definition.run === 'oneoff') {
    const desired = desiredState(entry.stack, { imageIds: new Map(), installCompleted: () => true });
    const spec = desired.services[key.service]?.replicas[0]?.spec;
    if (!spec) throw new Error(`service ${key.service} has no container to copy`);
    return { ...base, where: { oneoff: spec } };
  }
  const running = (await serviceContainers(engine, key.stack, key.service)).find(
    (c) => c.state === 'running',
  );
  if (!running)
    throw new Error(`no running container of ${key.service}; \`berth up ${key.stack}\` starts it`);
  return { ...base, where: { exec: running.id } };
}
