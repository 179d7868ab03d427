import { describe, expect, it } from 'vitest';
import { stackOf } from '../../../test/support/audit-standards.js';
import {
  databaseEngine,
  eachService,
  imageBase,
  isDatabaseImage,
  isOneShot,
  parseImage,
  serviceHit,
} from './helpers.js';

const DIGEST = `sha256:${'0'.repeat(64)}`;

describe('parseImage', () => {
  it('splits name, tag and digest, keeping registry ports in the name', () => {
    expect(parseImage('nginx')).toEqual({ name: 'nginx' });
    expect(parseImage('nginx:1.27')).toEqual({ name: 'nginx', tag: '1.27' });
    expect(parseImage('localhost:5000/app')).toEqual({ name: 'localhost:5000/app' });
    expect(parseImage('localhost:5000/app:2')).toEqual({ name: 'localhost:5000/app', tag: '2' });
    expect(parseImage(`ghcr.io/o/app@${DIGEST}`)).toEqual({ name: 'ghcr.io/o/app', digest: DIGEST });
    expect(parseImage(`app:1@${DIGEST}`)).toEqual({ name: 'app', tag: '1', digest: DIGEST });
    expect(imageBase('docker.io/Bitnami/PostgreSQL:16')).toBe('postgresql');
  });
});

describe('database detection', () => {
  it('maps images to engine families on the whole last path segment', () => {
    expect(databaseEngine('mariadb:11')).toBe('mysql');
    expect(databaseEngine('bitnami/postgresql:16')).toBe('postgres');
    expect(databaseEngine('valkey/valkey:8')).toBe('redis');
    expect(databaseEngine('mongo:7')).toBe('mongo');
    expect(databaseEngine('mongo-express:1')).toBeUndefined();
    expect(databaseEngine('prom/mysqld-exporter:v0.15.1')).toBeUndefined();
    expect(databaseEngine('prodrigestivill/postgres-backup-local:16')).toBeUndefined();
    expect(databaseEngine(undefined)).toBeUndefined();
    expect(isDatabaseImage('elasticsearch:8.15.0')).toBe(true);
    expect(isDatabaseImage('redis:7')).toBe(true);
    expect(isDatabaseImage('nginx:1.27')).toBe(false);
  });
});

describe('eachService, serviceHit, isOneShot', () => {
  it('visits active services only and prefixes paths with the service', async () => {
    const { snapshot } = await stackOf(`services:
  job: { image: "app:1" }
  web:
    image: app:1
    depends_on: { job: { condition: service_completed_successfully } }
  debug: { image: "app:1", profiles: [debug] }
`);
    const hits = eachService(snapshot, (stack, name) => [
      serviceHit(stack, name, ['image'], `one-shot=${isOneShot(stack, name)}`, 'm'),
    ]);
    expect(hits.map((h) => [h.service, h.evidence, h.path])).toEqual([
      ['job', 'one-shot=true', ['services', 'job', 'image']],
      ['web', 'one-shot=false', ['services', 'web', 'image']],
    ]);
    expect(hits[0]).not.toHaveProperty('fix');
  });
});
