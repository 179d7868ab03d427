import { describe, expect, it } from 'vitest';
import { toDiskUsage } from './system.js';

describe('toDiskUsage', () => {
  it('maps the images of `system df`: tags without the placeholder, sizes, shared size not computed as 0', () => {
    const usage = toDiskUsage({
      LayersSize: 1000,
      Images: [
        { Id: 'sha256:a', RepoTags: ['shop-api:latest'], Size: 600, SharedSize: 500 },
        { Id: 'sha256:b', RepoTags: ['<none>:<none>'], Size: 400, SharedSize: -1 },
        { RepoTags: ['no-id:1'], Size: 1 },
      ],
    });
    expect(usage.layersSize).toBe(1000);
    expect([...usage.images]).toEqual([
      ['sha256:a', { tags: ['shop-api:latest'], size: 600, sharedSize: 500 }],
      ['sha256:b', { tags: [], size: 400, sharedSize: 0 }],
    ]);
  });

  it('reads an engine that answers with nothing as empty', () => {
    expect(toDiskUsage({})).toEqual({ layersSize: 0, images: new Map() });
  });
});
