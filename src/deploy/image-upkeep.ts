import { formatBytes, shortImageId } from '../api/bytes-text.js';
import type { LoadedStack } from '../compose/stack.js';
import type { Engine } from '../engine/model.js';
import type { Store } from '../store/index.js';
import type { DesiredStack } from './desired.js';
import type { DeployEvent } from './events.js';
import { plural } from './image-references.js';
import { serviceImages } from './naming.js';
import { type ImagePruneOutcome, pruneStackImages } from './prune-images.js';
import type { ImageSettings } from './xberth.js';

/** What a prune did, as `cleanup` lines: each image removed or refused, then the total freed. */
export function pruneLines(outcome: ImagePruneOutcome): string[] {
  const label = (d: ImagePruneOutcome['decisions'][number]) =>
    `${shortImageId(d.imageId)} (${d.recorded.join(', ')})`;
  const removed = outcome.decisions.filter((d) => d.removed);
  return [
    ...removed.map((d) => `removed image ${label(d)}: ${d.reasons.join('; ')}`),
    ...outcome.decisions.flatMap((d) =>
      d.refused === undefined
        ? []
        : [
            `could not remove old image ${label(d)}: the engine said ${d.refused}; remove what holds it, or the image by hand (\`docker image rm ${shortImageId(d.imageId)}\`)`,
          ],
    ),
    ...(removed.length === 0
      ? []
      : [
          `removed ${plural(removed.length, 'old image')} of ${outcome.stack}, ${formatBytes(outcome.freedBytes)} freed (keeping ${plural(outcome.keep, 'deployed version')} per service)`,
        ]),
  ];
}

/** The lazy question for the other stacks' references, when the caller can answer it. */
export function namedElsewhereOf(
  deps: { readonly imagesNamedElsewhere?: (stack: string) => Promise<ReadonlySet<string>> },
  stack: string,
): { namedElsewhere?: () => Promise<ReadonlySet<string>> } {
  const ask = deps.imagesNamedElsewhere;
  return ask ? { namedElsewhere: () => ask(stack) } : {};
}

/**
 * After a deploy that succeeded: the image each service runs now is recorded as deployed, then (unless
 * the stack says `prune: manual`) the versions beyond the retention go. Nothing here fails the
 * deploy: a problem is reported as a `cleanup` event, and `berth images prune` tries again.
 */
export async function afterDeployImages(
  deps: {
    readonly engine: Engine;
    readonly store: Pick<Store, 'stackImages' | 'appliedSpecs'>;
    readonly imagesNamedElsewhere?: (stack: string) => Promise<ReadonlySet<string>>;
  },
  loaded: Pick<LoadedStack, 'name' | 'model'>,
  desired: DesiredStack,
  imageIds: ReadonlyMap<string, string>,
  settings: ImageSettings,
  emit: (e: DeployEvent) => void,
): Promise<void> {
  try {
    for (const service of Object.values(desired.services)) {
      const id = imageIds.get(service.image);
      if (id) deps.store.stackImages.deployed(desired.stack, service.name, id);
    }
    if (settings.prune === 'manual') return;
    const outcome = await pruneStackImages(deps, {
      stack: desired.stack,
      keep: settings.keep,
      dryRun: false,
      current: serviceImages(loaded),
      imageIds,
      ...namedElsewhereOf(deps, desired.stack),
    });
    for (const message of pruneLines(outcome)) emit({ type: 'cleanup', message });
  } catch (error: unknown) {
    emit({
      type: 'cleanup',
      message: `could not prune old images: ${error instanceof Error ? error.message : String(error)}; \`berth images prune ${desired.stack}\` tries again`,
    });
  }
}
