import { describe, expect, it } from 'vitest';
import { build } from './service-build.js';
import { deploy } from './service-deploy.js';

describe('build', () => {
  it('turns a string into {context}', () => {
    expect(build.parse('./app')).toEqual({ context: './app' });
  });

  it('defaults the context to "." and normalizes args, labels and sizes', () => {
    expect(
      build.parse({
        dockerfile: 'Dockerfile.prod',
        args: ['VERSION=1.2', 'TOKEN'],
        labels: { tier: 'web' },
        shm_size: '256m',
        no_cache: 'true',
        extra_hosts: ['reg:10.0.0.1'],
        secrets: ['npmrc'],
        ulimits: { nofile: 4096 },
      }),
    ).toEqual({
      context: '.',
      dockerfile: 'Dockerfile.prod',
      args: { VERSION: '1.2', TOKEN: null },
      labels: { tier: 'web' },
      shm_size: 268_435_456,
      no_cache: true,
      extra_hosts: [{ host: 'reg', ip: '10.0.0.1' }],
      secrets: [{ source: 'npmrc' }],
      ulimits: { nofile: { soft: 4096, hard: 4096 } },
    });
  });

  it('rejects unknown keys and wrong types', () => {
    expect(build.safeParse({ context: '.', dockerfil: 'x' }).success).toBe(false);
    expect(build.safeParse({ context: '.', shm_size: 1.5 }).success).toBe(false);
    expect(build.safeParse(['.']).success).toBe(false);
  });
});

describe('deploy', () => {
  it('normalizes replicas, resources and the restart policy', () => {
    expect(
      deploy.parse({
        replicas: '3',
        resources: { limits: { cpus: '0.5', memory: '512m', pids: 64 }, reservations: { memory: '1g' } },
        restart_policy: { condition: 'on-failure', delay: '5s', max_attempts: '3', window: '2m' },
        update_config: { parallelism: 2, delay: '10s', order: 'start-first' },
        labels: ['a=b'],
      }),
    ).toEqual({
      replicas: 3,
      resources: {
        limits: { cpus: 0.5, memory: 536_870_912, pids: 64 },
        reservations: { memory: 1_073_741_824 },
      },
      restart_policy: { condition: 'on-failure', delay: 5000, max_attempts: 3, window: 120_000 },
      update_config: { parallelism: 2, delay: 10_000, order: 'start-first' },
      labels: { a: 'b' },
    });
  });

  it('turns `deploy:` left empty into {}', () => {
    expect(deploy.parse(null)).toEqual({});
  });

  it('rejects what upstream rejects (memory as a number) and what the engine would (bad condition)', () => {
    expect(deploy.safeParse({ resources: { limits: { memory: 512 } } }).success).toBe(false);
    expect(deploy.safeParse({ restart_policy: { condition: 'sometimes' } }).success).toBe(false);
    expect(deploy.safeParse({ replicas: 'two' }).success).toBe(false);
    expect(deploy.safeParse({ replica: 2 }).success).toBe(false);
  });
});
