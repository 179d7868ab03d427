import { type Engine, isEngineError } from '../engine/model.js';
import type { Store } from '../store/index.js';
import { type ImageDecision, type PresentImage, planImageRetention } from './image-retention.js';

/*
 * Image pruning: of the image versions Berth pulled or built for a stack (its records), removes those
 * beyond the retention that nothing uses. It never forces a removal: an image the engine refuses
 * (a container created from it since, a tag another tool added) stays, with the engine's reason.
 * The caller holds the stack's lock, so no deploy of the stack runs meanwhile.
 */

export interface PruneImagesRequest {
  readonly stack: string;
  /** How many deployed versions of each service stay (the one running counts). */
  readonly keep: number;
  readonly dryRun: boolean;
  /** What each service's compose file names now (service → image reference): those stay. */
  readonly current: ReadonlyMap<string, string>;
}

export interface ImagePruneDecision extends ImageDecision {
  /** Removed (not dry run): the engine deleted it. */
  readonly removed: boolean;
}

export interface ImagePruneOutcome {
  readonly stack: string;
  readonly keep: number;
  readonly dryRun: boolean;
  readonly decisions: readonly ImagePruneDecision[];
  /** Bytes the removed images took (would take, on a dry run), as the engine reported their size. */
  readonly freedBytes: number;
  /** Records dropped because the engine no longer had the image. */
  readonly forgotten: number;
}

interface PruneDeps {
  readonly engine: Engine;
  readonly store: Pick<Store, 'stackImages'>;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function presentImages(engine: Engine, ids: readonly string[]): Promise<Map<string, PresentImage>> {
  const present = new Map<string, PresentImage>();
  for (const id of ids) {
    try {
      const info = await engine.images.inspect(id);
      present.set(id, { tags: info.tags, ...(info.size === undefined ? {} : { size: info.size }) });
    } catch (error: unknown) {
      if (!isEngineError(error, 'ENGINE_NOT_FOUND')) throw error;
    }
  }
  return present;
}

/** Image id → the services whose current reference names it (a reference the engine lacks names none). */
async function currentImages(engine: Engine, current: ReadonlyMap<string, string>) {
  const byId = new Map<string, string[]>();
  const resolved = new Map<string, string | undefined>();
  for (const [service, reference] of current) {
    if (!resolved.has(reference)) {
      const id = await engine.images.inspect(reference).then(
        (info) => info.id,
        (error: unknown) => {
          if (isEngineError(error, 'ENGINE_NOT_FOUND')) return undefined;
          throw error;
        },
      );
      resolved.set(reference, id);
    }
    const id = resolved.get(reference);
    if (id) byId.set(id, [...(byId.get(id) ?? []), service]);
  }
  return byId;
}

/** Decides (pure, image-retention.ts) on the facts the engine and the records give, then removes. */
export async function pruneStackImages(
  deps: PruneDeps,
  request: PruneImagesRequest,
): Promise<ImagePruneOutcome> {
  const { engine, store } = deps;
  const versions = store.stackImages.list(request.stack);
  const ids = [...new Set(versions.map((v) => v.imageId))];
  const usedBy = new Map<string, string[]>();
  if (ids.length > 0) {
    // Every container on the engine, whoever made it: an image one was created from stays.
    for (const c of await engine.containers.list({}, { all: true }))
      usedBy.set(c.imageId, [...(usedBy.get(c.imageId) ?? []), c.name]);
  }
  const otherStacks = new Map(
    ids.map((id) => [
      id,
      [...new Set(store.stackImages.holders(id).map((h) => h.stack))].filter((s) => s !== request.stack),
    ]),
  );
  const plan = planImageRetention({
    keep: request.keep,
    versions,
    present: await presentImages(engine, ids),
    usedBy,
    current: await currentImages(engine, request.current),
    otherStacks,
  });
  let forgotten = 0;
  if (!request.dryRun) for (const id of plan.gone) forgotten += store.stackImages.forget(request.stack, id);
  const decisions: ImagePruneDecision[] = [];
  let freedBytes = 0;
  for (const d of plan.decisions) {
    if (d.keep || request.dryRun) {
      if (!d.keep) freedBytes += d.size ?? 0;
      decisions.push({ ...d, removed: false });
      continue;
    }
    try {
      await engine.images.remove(d.imageId);
    } catch (error: unknown) {
      if (isEngineError(error, 'ENGINE_NOT_FOUND')) {
        forgotten += store.stackImages.forget(request.stack, d.imageId);
        continue;
      }
      // Refused (a container made from it meanwhile, another tag on it) or failed: it stays, saying why.
      decisions.push({
        ...d,
        keep: true,
        removed: false,
        reasons: [`the engine did not remove it: ${messageOf(error)}`],
      });
      continue;
    }
    store.stackImages.forget(request.stack, d.imageId);
    freedBytes += d.size ?? 0;
    decisions.push({ ...d, removed: true });
  }
  return {
    stack: request.stack,
    keep: request.keep,
    dryRun: request.dryRun,
    decisions,
    freedBytes,
    forgotten,
  };
}
