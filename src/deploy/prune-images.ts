import { type DiskUsage, type Engine, isEngineError } from '../engine/model.js';
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
  /** Those references' image ids, as the engine has them (a reference it lacks is absent). */
  readonly imageIds: ReadonlyMap<string, string>;
  /**
   * The references the workspace's other stacks name now, as the engine tags them: asked only when
   * something would be removed (it reads every stack's files).
   */
  readonly namedElsewhere?: () => Promise<ReadonlySet<string>>;
}

export interface ImagePruneDecision extends ImageDecision {
  /** Removed (not dry run): the engine deleted it. */
  readonly removed: boolean;
  /** The engine would not remove it (a conflict, a failure): what it said. */
  readonly refused?: string;
}

export interface ImagePruneOutcome {
  readonly stack: string;
  readonly keep: number;
  readonly dryRun: boolean;
  readonly decisions: readonly ImagePruneDecision[];
  /**
   * Bytes the removals freed, as the engine counts its layers; on a dry run, what the images it would
   * remove hold alone (a lower bound: layers only they share among themselves are not counted).
   */
  readonly freedBytes: number;
  /** Records dropped because the engine no longer had the image. */
  readonly forgotten: number;
}

interface PruneDeps {
  readonly engine: Engine;
  readonly store: Pick<Store, 'stackImages' | 'appliedSpecs'>;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The recorded images the engine still has, with the bytes each holds alone (its size less what it
 * shares with other images: what removing it frees), from one `system df`.
 */
function presentImages(usage: DiskUsage, ids: readonly string[]): Map<string, PresentImage> {
  const present = new Map<string, PresentImage>();
  for (const id of ids) {
    const image = usage.images.get(id);
    if (image) present.set(id, { tags: image.tags, size: Math.max(image.size - image.sharedSize, 0) });
  }
  return present;
}

function group<K, V>(pairs: Iterable<readonly [K, V]>): Map<K, V[]> {
  const out = new Map<K, V[]>();
  for (const [k, v] of pairs) out.set(k, [...(out.get(k) ?? []), v]);
  return out;
}

/** Decides (pure, image-retention.ts) on the facts the engine and the records give, then removes. */
export async function pruneStackImages(
  deps: PruneDeps,
  request: PruneImagesRequest,
): Promise<ImagePruneOutcome> {
  const { engine, store } = deps;
  const { stack } = request;
  const versions = store.stackImages.list(stack);
  const ids = [...new Set(versions.map((v) => v.imageId))];
  // Every container on the engine, whoever made it: an image one was created from stays.
  const containers = ids.length > 0 ? await engine.containers.list({}, { all: true }) : [];
  const elsewhere = (stacks: readonly string[]) => stacks.some((s) => s !== stack);
  const before = ids.length > 0 ? await engine.system.diskUsage() : undefined;
  const present = before ? presentImages(before, ids) : new Map<string, PresentImage>();
  const facts = {
    keep: request.keep,
    versions,
    present,
    usedBy: group(containers.map((c) => [c.imageId, c.name] as const)),
    services: new Set(request.current.keys()),
    current: group(
      [...request.current].flatMap(([service, ref]) => {
        const id = request.imageIds.get(ref);
        return id === undefined ? [] : [[id, service] as const];
      }),
    ),
    deployedElsewhere: new Set(ids.filter((id) => elsewhere(store.appliedSpecs.stacksWithImage(id)))),
    recordedElsewhere: new Set(
      ids.filter((id) => elsewhere(store.stackImages.holders(id).map((h) => h.stack))),
    ),
  };
  let plan = planImageRetention(facts);
  if (request.namedElsewhere && plan.decisions.some((d) => !d.keep))
    plan = planImageRetention({ ...facts, namedElsewhere: await request.namedElsewhere() });
  let forgotten = 0;
  if (!request.dryRun) for (const id of plan.gone) forgotten += store.stackImages.forget(stack, id);
  const decisions: ImagePruneDecision[] = [];
  let freedBytes = 0;
  for (const d of plan.decisions) {
    if (d.keep || request.dryRun) {
      if (!d.keep) freedBytes += d.size ?? 0;
      // Another stack holds it too: this one lets go, and the last holder decides.
      if (d.release && !request.dryRun) store.stackImages.forget(stack, d.imageId);
      decisions.push({ ...d, removed: false });
      continue;
    }
    try {
      // By id when it has one tag or none; an image with several tags (all Berth's, or it would be
      // kept) is refused by id unless forced: each tag is removed instead, and the last one takes it.
      const tags = present.get(d.imageId)?.tags ?? [];
      for (const target of tags.length > 1 ? tags : [d.imageId]) await engine.images.remove(target);
    } catch (error: unknown) {
      if (isEngineError(error, 'ENGINE_NOT_FOUND')) {
        forgotten += store.stackImages.forget(stack, d.imageId);
        continue;
      }
      // Refused (a container made from it meanwhile, another tag on it) or failed: it stays, saying why.
      const refused = messageOf(error);
      decisions.push({
        ...d,
        keep: true,
        removed: false,
        refused,
        reasons: [`the engine did not remove it: ${refused}`],
      });
      continue;
    }
    store.stackImages.forget(stack, d.imageId);
    decisions.push({ ...d, removed: true });
  }
  // What the removals freed, as the engine counts its layers (a dry run: what the images hold alone).
  if (before && decisions.some((d) => d.removed)) {
    const after = await engine.system.diskUsage().catch(() => undefined);
    freedBytes = after
      ? Math.max(before.layersSize - after.layersSize, 0)
      : decisions.reduce((sum, d) => sum + (d.removed ? (d.size ?? 0) : 0), 0);
  }
  return { stack, keep: request.keep, dryRun: request.dryRun, decisions, freedBytes, forgotten };
}
