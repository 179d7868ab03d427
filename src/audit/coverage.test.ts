import { describe, expect, it } from 'vitest';
import { snapshotOf, stackOf } from '../../test/support/audit-standards.js';
import { coverage, isStateful } from './coverage.js';
import { noResourceLimits, volumeNoBackup } from './rules/standards-data.js';
import { healthcheckMissing } from './rules/standards-health.js';
import { imageNotPinned } from './rules/standards-images.js';

const SHOP = `
services:
  web:
    image: nginx:1.27.3
    healthcheck:
      test: ["CMD", "wget", "-q", "--spider", "http://localhost/"]
    mem_limit: 256m
    depends_on:
      migrate:
        condition: service_completed_successfully
  api:
    build: ./api
    cpus: 0.5
  migrate:
    image: ghcr.io/acme/migrate:latest
  db:
    image: postgres@sha256:${'a'.repeat(64)}
    healthcheck:
      test: ["CMD-SHELL", "pg_isready"]
    deploy:
      resources:
        limits:
          memory: 512M
    volumes:
      - pgdata:/var/lib/postgresql/data
  backup:
    image: offen/docker-volume-backup:v2.43.0
    volumes:
      - pgdata:/backup/pgdata:ro
volumes:
  pgdata: {}
`;

const BLOG = `
services:
  wordpress:
    image: wordpress
    healthcheck:
      disable: true
    volumes:
      - wp:/var/www/html
  mariadb:
    image: mariadb:11.4
    volumes:
      - dbdata:/var/lib/mysql
      - cache:/tmp/cache
  cache:
    image: redis:7.4.1
    volumes:
      - redis:/data
  files:
    image: alpine:3.20
    volumes:
      - files:/data
volumes:
  wp: {}
  dbdata: {}
  cache: {}
  redis: {}
  files: {}
`;

describe('coverage', () => {
  it('counts each standard per stack and in total', async () => {
    const { snapshot } = await snapshotOf({
      files: { 'shop/compose.yaml': SHOP, 'blog/compose.yaml': BLOG },
    });
    expect(coverage(snapshot)).toEqual({
      services: 9,
      pinned: 7,
      healthchecked: 3,
      limited: 3,
      backedUp: 6,
      perStack: [
        // wordpress: no tag; the healthcheck is disabled; mariadb, redis and the /data volume are not backed up.
        { stack: 'blog', services: 4, pinned: 3, healthchecked: 0, limited: 0, backedUp: 1 },
        // migrate: a moving tag, but a one-shot; api is built here; the backup service covers pgdata.
        { stack: 'shop', services: 5, pinned: 4, healthchecked: 3, limited: 3, backedUp: 5 },
      ],
    });
  });

  it('agrees with the standards rules: what is not covered is what they report', async () => {
    const { snapshot } = await snapshotOf({
      files: { 'shop/compose.yaml': SHOP, 'blog/compose.yaml': BLOG },
    });
    const counts = coverage(snapshot);
    expect(counts.services - counts.pinned).toBe(imageNotPinned.check(snapshot).length);
    expect(counts.services - counts.healthchecked).toBe(healthcheckMissing.check(snapshot).length);
    expect(counts.services - counts.limited).toBe(noResourceLimits.check(snapshot).length);
    // One hit per volume (mariadb has two), counted once per service.
    expect(volumeNoBackup.check(snapshot).map((h) => `${h.service}:${h.evidence}`)).toEqual([
      'mariadb:volume=dbdata',
      'mariadb:volume=cache',
      'cache:volume=redis',
      'files:volume=files',
    ]);
    expect(counts.services - counts.backedUp).toBe(3);
  });

  it('calls stateful exactly the volumes volume-no-backup reports when nothing backs them up', async () => {
    const { snapshot } = await snapshotOf({
      files: { 'shop/compose.yaml': SHOP, 'blog/compose.yaml': BLOG },
    });
    const expected: string[] = [];
    for (const stack of snapshot.stacks)
      for (const [name, service] of Object.entries(stack.loaded.model.services ?? {}))
        for (const m of service.volumes ?? [])
          if (m.type === 'volume' && m.source && isStateful(service, m.target))
            expected.push(`${name}:volume=${m.source}`);
    // In the blog stack nothing is backed up; in the shop stack the backup service covers pgdata.
    expect(expected).toEqual([
      'mariadb:volume=dbdata',
      'mariadb:volume=cache',
      'cache:volume=redis',
      'files:volume=files',
      'db:volume=pgdata',
    ]);
    const reported = volumeNoBackup.check(snapshot).map((h) => `${h.service}:${h.evidence}`);
    expect(reported).toEqual(expected.filter((e) => e !== 'db:volume=pgdata'));
    expect(isStateful({ image: 'redis-commander:latest', extensions: {} }, '/config')).toBe(false);
    expect(isStateful({ image: 'minio/minio:RELEASE.2024-10-02', extensions: {} }, '/export')).toBe(true);
    expect(isStateful({ image: 'alpine:3.20', extensions: {} }, '/var/lib/postgresql/data')).toBe(true);
    expect(isStateful({ image: 'alpine:3.20', extensions: {} }, '/data/sub')).toBe(false);
  });

  it('does not count a backup service that mounts another volume', async () => {
    const { snapshot } = await stackOf(`
services:
  db:
    image: postgres:16.4
    volumes: [pgdata:/var/lib/postgresql/data]
  backup:
    image: restic/restic:0.17.1
    volumes: [other:/source/other:ro]
volumes:
  pgdata: {}
  other: {}
`);
    // Only the backup service itself (stateless) counts.
    expect(coverage(snapshot).perStack[0]).toMatchObject({ services: 2, backedUp: 1 });
  });

  it('counts deploy limits and not reservations', async () => {
    const { snapshot } = await stackOf(`
services:
  pids:
    image: alpine:3.20
    deploy: { resources: { limits: { pids: 100 } } }
  reserved:
    image: alpine:3.20
    deploy: { resources: { reservations: { memory: 64M } } }
  empty:
    image: alpine:3.20
    deploy: {}
`);
    expect(coverage(snapshot).limited).toBe(1);
  });

  it('is zero for an empty estate', () => {
    expect(coverage({ root: '/srv', catalogOrphans: [], stacks: [] })).toEqual({
      services: 0,
      pinned: 0,
      healthchecked: 0,
      limited: 0,
      backedUp: 0,
      perStack: [],
    });
  });
});
