import { formatBytes, shortImageId } from '../api/bytes-text.js';
import type { ImagePruneResult } from '../api/deploy.js';
import type { LoadedStack } from '../compose/stack.js';
import type { Engine } from '../engine/model.js';
import { maskError } from '../secrets/mask.js';
import type { LockOwner, Store } from '../store/index.js';
import type { DesiredStack } from './desired.js';
import type { DeployEvent } from './events.js';
import { withStackLock } from './lock.js';
import { builtImageName } from './naming.js';
import { type ImagePruneOutcome, pruneStackImages } from './prune-images.js';
import { stackMasker } from './redact.js';
import { type ImageSettings, imageSettings } from './xberth.js';

/** What each service's compose file names now: service → image reference (a built one's own tag). */
export function currentReferences(loaded: Pick<LoadedStack, 'name' | 'model'>): Map<string, string> {
  return new Map(
    Object.entries(loaded.model.services ?? {}).map(([name, s]) => [
      name,
      s.image ?? builtImageName(loaded.name, name),
    ]),
  );
}

/** One line per image removed, and what it freed. */
export function removalLines(outcome: ImagePruneOutcome): string[] {
  const removed = outcome.decisions.filter((d) => d.removed);
  if (removed.length === 0) return [];
  return [
    ...removed.map(
      (d) => `removed image ${shortImageId(d.imageId)} (${d.recorded.join(', ')}): ${d.reasons.join('; ')}`,
    ),
    `removed ${removed.length} old image${removed.length === 1 ? '' : 's'} of ${outcome.stack}, ${formatBytes(outcome.freedBytes)} freed (keeping ${outcome.keep} deployed version${outcome.keep === 1 ? '' : 's'} per service)`,
  ];
}

/**
 * After a deploy that succeeded: the image each service runs now is recorded as deployed, then (unless
 * the stack says `prune: manual`) the versions beyond the retention go. Nothing here fails the
 * deploy: a problem is reported as a `cleanup` event, and `berth images prune` tries again.
 */
export async function afterDeployImages(
  deps: { readonly engine: Engine; readonly store: Pick<Store, 'stackImages'> },
  loaded: Pick<LoadedStack, 'name' | 'model'>,
  desired: DesiredStack,
  imageIds: ReadonlyMap<string, string>,
  settings: ImageSettings,
  emit: (e: DeployEvent) => void,
): Promise<void> {
  for (const service of Object.values(desired.services)) {
    const id = imageIds.get(service.image);
    if (id) deps.store.stackImages.deployed(desired.stack, service.name, id);
  }
  if (settings.prune === 'manual') return;
  try {
    const outcome = await pruneStackImages(deps, {
      stack: desired.stack,
      keep: settings.keep,
      dryRun: false,
      current: currentReferences(loaded),
    });
    for (const message of removalLines(outcome)) emit({ type: 'cleanup', message });
  } catch (error: unknown) {
    emit({
      type: 'cleanup',
      message: `could not prune old images: ${error instanceof Error ? error.message : String(error)}; \`berth images prune ${desired.stack}\` tries again`,
    });
  }
}

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
    readonly store: Pick<Store, 'stackImages' | 'locks'>;
    readonly owner: LockOwner;
  },
  loaded: LoadedStack,
  options: { readonly keep?: number; readonly dryRun: boolean },
): Promise<ImagePruneResult> {
  const mask = stackMasker(loaded);
  const keep = options.keep ?? imageSettings(loaded.xberth.stack).keep;
  try {
    const outcome = await withStackLock(deps, loaded.name, () =>
      pruneStackImages(deps, {
        stack: loaded.name,
        keep,
        dryRun: options.dryRun,
        current: currentReferences(loaded),
      }),
    );
    return toView(outcome, mask);
  } catch (error: unknown) {
    throw maskError(error, mask);
  }
}
