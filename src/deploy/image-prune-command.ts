import type { ImagePruneResult } from '../api/images.js';
import type { LoadedStack } from '../compose/stack.js';
import type { Engine } from '../engine/model.js';
import { maskError } from '../secrets/mask.js';
import type { LockOwner, Store } from '../store/index.js';
import { namedElsewhereOf } from './image-upkeep.js';
import { withStackLock } from './lock.js';
import { serviceImages } from './naming.js';
import { imageIdsFor } from './observe.js';
import { type ImagePruneOutcome, pruneStackImages } from './prune-images.js';
import { stackMasker } from './redact.js';
import { imageSettings } from './xberth.js';

/** The outcome as the API answers it; the stack's secret values masked (an image reference may hold one). */
function toView(outcome: ImagePruneOutcome, mask: (text: string) => string): ImagePruneResult {
  const all = (xs: readonly string[]) => xs.map(mask);
  return {
    stack: outcome.stack,
    keep: outcome.keep,
    dryRun: outcome.dryRun,
    freedBytes: outcome.freedBytes,
    forgotten: outcome.forgotten,
    decisions: outcome.decisions.map((d) => ({
      image: d.imageId,
      tags: all(d.tags),
      recorded: all(d.recorded),
      services: [...d.services],
      keep: d.keep,
      removed: d.removed,
      reasons: all(d.reasons),
      ...(d.size === undefined ? {} : { size: d.size }),
    })),
  };
}

/**
 * `berth images prune`: the stack's images beyond the retention (`keep`, default the stack's
 * `x-berth.images.keep`), under the stack's lock (DEPLOY_IN_PROGRESS while a deploy runs).
 */
export async function pruneImagesOf(
  deps: {
    readonly engine: Engine;
    readonly store: Pick<Store, 'stackImages' | 'appliedSpecs' | 'locks'>;
    readonly owner: LockOwner;
    readonly imagesNamedElsewhere?: (stack: string) => Promise<ReadonlySet<string>>;
  },
  loaded: LoadedStack,
  options: { readonly keep?: number; readonly dryRun: boolean },
): Promise<ImagePruneResult> {
  const mask = stackMasker(loaded);
  const keep = options.keep ?? imageSettings(loaded.xberth.stack).keep;
  try {
    const outcome = await withStackLock(deps, loaded.name, async () =>
      pruneStackImages(deps, {
        stack: loaded.name,
        keep,
        dryRun: options.dryRun,
        current: serviceImages(loaded),
        imageIds: await imageIdsFor(deps.engine, loaded),
        ...namedElsewhereOf(deps, loaded.name),
      }),
    );
    return toView(outcome, mask);
  } catch (error: unknown) {
    throw maskError(error, mask);
  }
}
