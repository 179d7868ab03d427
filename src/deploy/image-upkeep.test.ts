import { describe, expect, it } from 'vitest';
import { pruneLines } from './image-upkeep.js';
import type { ImagePruneDecision, ImagePruneOutcome } from './prune-images.js';

const decision = (id: string, over: Partial<ImagePruneDecision>): ImagePruneDecision => ({
  imageId: `sha256:${id.repeat(64)}`,
  tags: [],
  recorded: [`shop-${id}`],
  services: ['api'],
  keep: false,
  release: false,
  reasons: ['api: deployed 2026-12-01 10:00, older than the 2 newest deployed versions'],
  removed: false,
  ...over,
});

const outcome = (decisions: ImagePruneDecision[], freedBytes = 0): ImagePruneOutcome => ({
  stack: 'shop',
  keep: 2,
  dryRun: false,
  decisions,
  freedBytes,
  forgotten: 0,
});

describe('pruneLines (the cleanup events after a deploy)', () => {
  it('says each image removed and why, then the total freed', () => {
    expect(
      pruneLines(
        outcome(
          [decision('a', { removed: true }), decision('b', { keep: true, reasons: ['in use'] })],
          3 * 1024 * 1024,
        ),
      ),
    ).toEqual([
      'removed image aaaaaaaaaaaa (shop-a): api: deployed 2026-12-01 10:00, older than the 2 newest deployed versions',
      'removed 1 old image of shop, 3.0 MB freed (keeping 2 deployed versions per service)',
    ]);
  });

  it('says what the engine refused and what to do, every time (it is not retried by itself)', () => {
    const refused = 'conflict: unable to remove repository reference "x" (must force)';
    expect(
      pruneLines(
        outcome([
          decision('c', { keep: true, refused, reasons: [`the engine did not remove it: ${refused}`] }),
        ]),
      ),
    ).toEqual([
      `could not remove old image cccccccccccc (shop-c): the engine said ${refused}; remove what holds it, or the image by hand (\`docker image rm cccccccccccc\`)`,
    ]);
  });

  it('says nothing when nothing was removed or refused', () => {
    expect(pruneLines(outcome([decision('d', { keep: true, reasons: ['in use'] })]))).toEqual([]);
  });
});
