import type { LoadedStack } from '../compose/stack.js';
import type { ContainerSpec, Engine } from '../engine/model.js';
import { isEngineError, stackSelector } from '../engine/model.js';
import type { Store } from '../store/index.js';
import type { DesiredStack } from './desired.js';
import { builtImageName } from './naming.js';
import type { AppliedRecord, PlanInput } from './plan.js';

/** Image reference → id for every image the stack's services run. */
export async function imageIdsFor(engine: Engine, loaded: LoadedStack): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const [name, service] of Object.entries(loaded.model.services ?? {})) {
    const ref = service.image ?? builtImageName(loaded.name, name);
    if (ids.has(ref)) continue;
    try {
      ids.set(ref, (await engine.images.inspect(ref)).id);
    } catch (error: unknown) {
      if (!(isEngineError(error) && error.code === 'ENGINE_NOT_FOUND')) throw error;
    }
  }
  return ids;
}

/** What the engine has that matters to the stack: its own objects, and anything under a name it wants. */
export async function observe(engine: Engine, desired: DesiredStack): Promise<PlanInput['observed']> {
  const own = await engine.containers.list(stackSelector(desired.stack), { all: true });
  const wanted = new Set(Object.values(desired.services).flatMap((s) => s.replicas.map((r) => r.spec.name)));
  const all = wanted.size > 0 ? await engine.containers.list({}, { all: true }) : [];
  const containers = [...own, ...all.filter((c) => wanted.has(c.name) && !own.some((o) => o.id === c.id))];
  const networks = await engine.networks.list({});
  const volumes = await engine.volumes.list({});
  return {
    containers,
    networks: networks.filter((n) => desired.networks.some((d) => d.name === n.name)),
    volumes: volumes.filter((v) => desired.volumes.some((d) => d.name === v.name)),
  };
}

/** The specs Berth last applied, as the planner reads them to explain changes. */
export function appliedRecords(store: Pick<Store, 'appliedSpecs'>, stack: string): AppliedRecord[] {
  return store.appliedSpecs.list(stack).map((a) => {
    const saved = a.spec as unknown as { spec: ContainerSpec; imageId?: string };
    return {
      service: a.service,
      replica: a.replica,
      containerId: a.containerId,
      configHash: a.configHash,
      spec: saved.spec,
      ...(saved.imageId ? { imageId: saved.imageId } : {}),
    };
  });
}
