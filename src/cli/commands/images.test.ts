import { describe, expect, it } from 'vitest';
import { berth } from '../../../test/support/cli.js';
import type { ImagePruneResult } from '../../api/images.js';
import { formatImagePrune } from './images.js';

const ID = (c: string) => `sha256:${c.repeat(64)}`;

const result = (dryRun: boolean): ImagePruneResult => ({
  stack: 'shop',
  keep: 2,
  dryRun,
  freedBytes: 3 * 1024 * 1024 * 1024,
  forgotten: 0,
  decisions: [
    {
      image: ID('a'),
      tags: ['reg.example/shop/api:2'],
      recorded: ['reg.example/shop/api:2'],
      services: ['api', 'worker'],
      keep: true,
      removed: false,
      reasons: ['used by container shop-api-1', 'what api, worker run as the compose file says now'],
      size: 150 * 1024 * 1024,
    },
    {
      image: ID('b'),
      tags: [],
      recorded: ['reg.example/shop/api:1'],
      services: ['api'],
      keep: false,
      removed: !dryRun,
      reasons: ['api: deployed 2026-12-01 10:00, older than the 2 newest deployed versions'],
    },
  ],
});

describe('formatImagePrune', () => {
  it('says what went, what it was and why each image stays, then the total freed', () => {
    expect(formatImagePrune(result(false))).toBe(
      [
        'keep         aaaaaaaaaaaa reg.example/shop/api:2 [api, worker, 150.0 MB]: used by container shop-api-1; what api, worker run as the compose file says now',
        'removed      bbbbbbbbbbbb reg.example/shop/api:1 (untagged now) [api]: api: deployed 2026-12-01 10:00, older than the 2 newest deployed versions',
        'removed 1 image, 3.00 GB freed (keeping 2 deployed versions per service)',
        '',
      ].join('\n'),
    );
  });

  it('says "would" on a dry run', () => {
    const text = formatImagePrune(result(true));
    expect(text).toContain('would remove bbbbbbbbbbbb');
    expect(text).toContain('would remove 1 image, 3.00 GB to free (keeping 2');
  });

  it('says when nothing goes, and when Berth has no image of the stack at all', () => {
    const kept = { ...result(false), keep: 1, freedBytes: 0 };
    const first = kept.decisions[0];
    expect(formatImagePrune({ ...kept, decisions: first ? [first] : [] })).toMatch(
      /\nnothing to remove \(keeping 1 deployed version per service\)\n$/,
    );
    expect(formatImagePrune({ ...kept, decisions: [] })).toBe(
      'no images of shop to prune: Berth prunes only images it pulled or built for the stack\n',
    );
  });
});

describe('berth images prune', () => {
  it.each(['0', '101', '1.5', 'x'])(
    'refuses --keep %s as a usage error, before asking anyone',
    async (keep) => {
      const run = await berth(['images', 'prune', 'shop', '--keep', keep], { cwd: '/nonexistent' });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/expected a whole number (of at least 1|from 1 to 100)/);
    },
  );
});
