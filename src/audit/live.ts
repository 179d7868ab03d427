import type { ContainerSummary, Engine } from '../engine/model.js';
import {
  BerthLabel,
  ComposeLabel,
  isEngineError,
  isOneOff,
  isParked,
  MANAGED_VALUE,
  stackSelector,
} from '../engine/model.js';
import type { LiveFacts } from './types.js';

type LiveContainer = LiveFacts['containers'][number];

/** Who the container belongs to: Berth's labels first, compose's for stacks run by `docker compose`. */
function ownerOf(c: ContainerSummary): { stack: string; service: string } | undefined {
  const stack = c.labels[BerthLabel.Stack] ?? c.labels[ComposeLabel.Project];
  const service = c.labels[BerthLabel.Service] ?? c.labels[ComposeLabel.Service];
  return stack && service ? { stack, service } : undefined;
}

/**
 * What runs on the engine, for the live rules and the pinning fix: every container of a Berth or
 * compose stack, with the tags of the image it runs. Left out: one-offs (`docker compose run`,
 * Berth's jobs and drills) and the containers a rollout parked (`isParked`): neither is a service's
 * current state.
 */
export async function collectLive(engine: Pick<Engine, 'containers' | 'images'>): Promise<LiveFacts> {
  const byId = new Map<string, ContainerSummary>();
  const lists = await Promise.all([
    engine.containers.list(stackSelector(), { all: true }),
    engine.containers.list({ [ComposeLabel.Project]: true }, { all: true }),
  ]);
  for (const c of lists.flat()) byId.set(c.id, c);

  const tags = new Map<string, ImageRefs>();
  const containers: LiveContainer[] = [];
  for (const c of [...byId.values()]) {
    const owner = ownerOf(c);
    if (!owner) continue;
    if (isOneOff(c.labels) || isParked(c)) continue;
    const restartCount = await restartsOf(engine, c.id);
    if (restartCount === undefined) continue;
    if (!tags.has(c.imageId)) tags.set(c.imageId, await imageRefs(engine, c.imageId));
    containers.push({
      ...owner,
      name: c.name,
      berth: c.labels[BerthLabel.Managed] === MANAGED_VALUE,
      state: c.state,
      restartCount,
      image: c.image,
      imageId: c.imageId,
      imageTags: tags.get(c.imageId)?.tags ?? [],
      imageDigests: tags.get(c.imageId)?.digests ?? [],
    });
  }
  containers.sort(
    (a, b) =>
      a.stack.localeCompare(b.stack) || a.service.localeCompare(b.service) || a.name.localeCompare(b.name),
  );
  return { containers };
}

/** Listings carry no restart count; undefined when the container went away since the listing. */
async function restartsOf(engine: Pick<Engine, 'containers'>, id: string): Promise<number | undefined> {
  try {
    return (await engine.containers.inspect(id)).restartCount;
  } catch (error: unknown) {
    if (isEngineError(error, 'ENGINE_NOT_FOUND')) return undefined;
    throw error;
  }
}

interface ImageRefs {
  readonly tags: readonly string[];
  readonly digests: readonly string[];
}

async function imageRefs(engine: Pick<Engine, 'images'>, imageId: string): Promise<ImageRefs> {
  if (imageId === '') return { tags: [], digests: [] };
  try {
    const info = await engine.images.inspect(imageId);
    return { tags: info.tags, digests: info.digests };
  } catch (error: unknown) {
    // The image may have been removed under a running container: nothing to suggest, not a failure.
    if (isEngineError(error, 'ENGINE_NOT_FOUND')) return { tags: [], digests: [] };
    throw error;
  }
}
