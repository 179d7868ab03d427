import { describe, expect, it } from 'vitest';
import { rebaseCompose } from './rebase.js';

describe('rebaseCompose', () => {
  const raw = {
    services: {
      web: {
        build: './app',
        env_file: ['.env.web', { path: '/abs/.env', required: false }],
        volumes: [
          './data:/data:ro',
          'named:/var/lib',
          '/host:/host',
          { type: 'bind', source: '../conf', target: '/c' },
        ],
        extends: { file: 'base.yaml', service: 'x' },
      },
      api: { build: { context: 'https://github.com/x/y.git', dockerfile: 'Dockerfile' } },
      ctx: { build: { dockerfile: 'D' } },
    },
    secrets: { s: { file: './s.txt' }, e: { environment: 'X' } },
  };

  it('makes local relative paths absolute and leaves the rest alone', () => {
    const out = rebaseCompose('/p', raw) as {
      services: Record<string, Record<string, unknown>>;
      secrets: unknown;
    };
    expect(out.services.web).toEqual({
      build: '/p/app',
      env_file: ['/p/.env.web', { path: '/abs/.env', required: false }],
      volumes: [
        '/p/data:/data:ro',
        'named:/var/lib',
        '/host:/host',
        { type: 'bind', source: '/conf', target: '/c' },
      ],
      extends: { file: '/p/base.yaml', service: 'x' },
    });
    expect(out.services.api?.build).toEqual({
      context: 'https://github.com/x/y.git',
      dockerfile: 'Dockerfile',
    });
    expect(out.services.ctx?.build).toEqual({ context: '/p', dockerfile: 'D' });
    expect(out.secrets).toEqual({ s: { file: '/p/s.txt' }, e: { environment: 'X' } });
  });

  it('does not mutate its input', () => {
    const copy = structuredClone(raw);
    rebaseCompose('/p', raw);
    expect(raw).toEqual(copy);
  });
});
