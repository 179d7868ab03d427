import { describe, expect, it } from 'vitest';
import { hitsOf, keys } from '../../../test/support/audit-standards.js';
import { loggingDisabled, noPidsLimit, noRestartPolicy } from './security-operations.js';

describe('no-pids-limit', () => {
  it('reports services without a positive process limit', async () => {
    const hits = await hitsOf(
      noPidsLimit,
      `
services:
  unset:
    image: alpine:3.20
  unlimited:
    image: alpine:3.20
    pids_limit: -1
  zero:
    image: alpine:3.20
    pids_limit: 0
  limited:
    image: alpine:3.20
    pids_limit: 200
  deployed:
    image: alpine:3.20
    deploy:
      resources:
        limits:
          pids: 100
  memory-only:
    image: alpine:3.20
    deploy:
      resources:
        limits:
          memory: 256M
`,
    );
    expect(keys(hits)).toEqual([
      'app/unset: pids-unlimited',
      'app/unlimited: pids-unlimited',
      'app/zero: pids-unlimited',
      'app/memory-only: pids-unlimited',
    ]);
    expect(hits.map((h) => h.path)).toEqual([
      ['services', 'unset'],
      ['services', 'unlimited', 'pids_limit'],
      ['services', 'zero', 'pids_limit'],
      ['services', 'memory-only'],
    ]);
    expect(hits[1]?.message).toContain('pids_limit: -1');
  });
});

describe('logging-disabled', () => {
  it('reports the none driver only', async () => {
    const hits = await hitsOf(
      loggingDisabled,
      `
services:
  silent:
    image: alpine:3.20
    logging:
      driver: none
  local:
    image: alpine:3.20
    logging:
      driver: local
  options:
    image: alpine:3.20
    logging:
      options:
        max-size: 10m
  default:
    image: alpine:3.20
`,
    );
    expect(keys(hits)).toEqual(['app/silent: logging.driver=none']);
    expect(hits[0]?.path).toEqual(['services', 'silent', 'logging', 'driver']);
  });
});

describe('no-restart-policy', () => {
  it('reports long-running services without restart or deploy.restart_policy', async () => {
    const hits = await hitsOf(
      noRestartPolicy,
      `
services:
  web:
    image: nginx:1.27.3
    depends_on:
      migrate:
        condition: service_completed_successfully
      cache:
        condition: service_started
  migrate:
    image: app:1.0.0
  cache:
    image: redis:7.4.1
  always:
    image: alpine:3.20
    restart: always
  never:
    image: alpine:3.20
    restart: "no"
  swarm:
    image: alpine:3.20
    deploy:
      restart_policy:
        condition: on-failure
`,
    );
    expect(keys(hits)).toEqual(['app/web: restart=unset', 'app/cache: restart=unset']);
    expect(hits.map((h) => h.path)).toEqual([
      ['services', 'web'],
      ['services', 'cache'],
    ]);
    expect(hits[0]?.fix).toBe('add `restart: unless-stopped` to `web`');
  });
});
