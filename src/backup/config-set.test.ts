import { describe, expect, it } from 'vitest';
import { configFiles } from './config-set.js';

describe('the configuration set', () => {
  it('names each file once, relative to the stack, and files elsewhere by their absolute path', () => {
    expect(
      configFiles({
        dir: '/srv/shop',
        sources: [
          '/srv/shop/compose.yaml',
          '/srv/shop/.env',
          'env/app.env',
          '/etc/berth/shared.env',
          '/srv/shop/compose.yaml',
          '/srv/shop/../common/base.yaml',
        ],
      }),
    ).toEqual([
      { path: '/srv/shop/compose.yaml', name: 'compose.yaml' },
      { path: '/srv/shop/.env', name: '.env' },
      { path: '/srv/shop/env/app.env', name: 'env/app.env' },
      { path: '/etc/berth/shared.env', name: 'outside/etc/berth/shared.env' },
      { path: '/srv/common/base.yaml', name: 'outside/srv/common/base.yaml' },
    ]);
  });

  it('is empty for a stack that read no file', () => {
    expect(configFiles({ dir: '/srv/x', sources: [] })).toEqual([]);
  });
});
