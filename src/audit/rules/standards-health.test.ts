import { describe, expect, it } from 'vitest';
import { hitsOf, keys } from '../../../test/support/audit-standards.js';
import { dependsOnNotHealthy, healthcheckMissing, healthcheckTiming } from './standards-health.js';

const GOOD =
  'healthcheck: { test: ["CMD", "true"], interval: 10s, timeout: 5s, retries: 3, start_period: 20s }';

describe('healthcheck-missing', () => {
  it('flags services without a healthcheck or with it disabled', async () => {
    const hits = await hitsOf(
      healthcheckMissing,
      `services:
  web:
    image: nginx:1.27
    ports: ["8080:80"]
  db:
    image: postgres:16
  off:
    image: app:1
    healthcheck: { disable: true }
  none:
    image: app:1
    healthcheck: { test: ["NONE"] }
  ok:
    image: app:1
    ${GOOD}
  inherits:
    image: app:1
    healthcheck: { interval: 10s, timeout: 5s }
`,
    );
    expect(keys(hits)).toEqual([
      'app/web: no-healthcheck',
      'app/db: no-healthcheck',
      'app/off: no-healthcheck',
      'app/none: no-healthcheck',
    ]);
    expect(hits[0]).toMatchObject({ path: ['services', 'web'] });
    expect(hits[0]?.fix).toContain('http://localhost:80/');
    expect(hits[1]?.fix).toContain('pg_isready');
    expect(hits[2]).toMatchObject({ path: ['services', 'off', 'healthcheck'] });
    expect(hits[2]?.message).toContain('disables');
  });

  it('skips a one-shot job that others wait to complete', async () => {
    const hits = await hitsOf(
      healthcheckMissing,
      `services:
  migrate:
    image: app:1
    command: ["migrate"]
  web:
    image: app:1
    ${GOOD}
    depends_on: { migrate: { condition: service_completed_successfully } }
`,
    );
    expect(hits).toEqual([]);
  });

  it('suggests an engine-specific probe', async () => {
    const hits = await hitsOf(
      healthcheckMissing,
      'services:\n  a: { image: "mariadb:11" }\n  b: { image: "redis:7" }\n  c: { image: "mongo:7" }\n  d: { image: "mysql:8" }\n',
    );
    expect(hits.map((h) => h.fix?.match(/test: \[[^\]]*\]/)?.[0])).toEqual([
      'test: ["CMD", "healthcheck.sh", "--connect", "--innodb_initialized"]',
      'test: ["CMD", "redis-cli", "ping"]',
      `test: ["CMD", "mongosh", "--quiet", "--eval", "db.adminCommand('ping')"]`,
      'test: ["CMD", "mysqladmin", "ping", "-h", "localhost"]',
    ]);
  });
});

describe('healthcheck-timing', () => {
  it('flags a timeout not below the interval, with one hit per problem', async () => {
    const hits = await hitsOf(
      healthcheckTiming,
      `services:
  a:
    image: app:1
    healthcheck: { test: ["CMD", "true"], interval: 5s, timeout: 10s, retries: 1, start_period: 5s }
  b:
    image: app:1
    healthcheck: { test: ["CMD", "true"], interval: 10s, start_period: 5s }
`,
    );
    expect(keys(hits)).toEqual([
      'app/a: problem=timeout-not-below-interval',
      'app/a: problem=retries-too-low',
      'app/b: problem=timeout-not-below-interval',
    ]);
    expect(hits[0]).toMatchObject({
      path: ['services', 'a', 'healthcheck', 'timeout'],
      fix: 'set healthcheck.timeout: 2s (below the 5s interval)',
    });
    expect(hits[0]?.message).toContain('timeout 10s is not shorter than its interval 5s');
    expect(hits[1]).toMatchObject({
      path: ['services', 'a', 'healthcheck', 'retries'],
      fix: 'set healthcheck.retries: 3',
    });
    expect(hits[2]?.message).toContain('30s (default)');
  });

  it('flags a slow starter without start_period, and a short startup window', async () => {
    const hits = await hitsOf(
      healthcheckTiming,
      `services:
  db:
    image: bitnami/postgresql:16
    healthcheck: { test: ["CMD", "pg_isready"], interval: 30s, timeout: 5s, retries: 5 }
  kc:
    image: quay.io/keycloak/keycloak:26.0
    healthcheck: { test: ["CMD", "true"], interval: 30s, timeout: 5s, retries: 5 }
  fast:
    image: app:1
    healthcheck: { test: ["CMD", "true"], interval: 5s, timeout: 2s, retries: 3 }
`,
    );
    expect(keys(hits)).toEqual([
      'app/db: problem=no-start-period',
      'app/kc: problem=no-start-period',
      'app/fast: problem=no-start-period',
    ]);
    expect(hits[0]?.message).toContain('runs postgres');
    expect(hits[0]?.fix).toBe('set healthcheck.start_period: 1m');
    expect(hits[1]?.fix).toBe('set healthcheck.start_period: 2m');
    expect(hits[2]?.message).toContain('gives up after 15s (3 × 5s)');
    expect(hits[2]?.fix).toBe('set healthcheck.start_period: 30s');
  });

  it('accepts sound timings, image-default healthchecks, and disabled or missing ones', async () => {
    const hits = await hitsOf(
      healthcheckTiming,
      `services:
  ok:
    image: postgres:16
    ${GOOD}
  defaults:
    image: app:1
    healthcheck: { test: ["CMD", "true"] }
  long:
    image: app:1
    healthcheck: { test: ["CMD", "true"], interval: 15s, timeout: 5s, retries: 2 }
  off:
    image: mysql:8
    healthcheck: { disable: true, interval: 1s, timeout: 5s, retries: 0 }
  none:
    image: mysql:8
`,
    );
    expect(hits).toEqual([]);
  });

  it('keeps the evidence when the values change but the problem stays', async () => {
    const one = await hitsOf(
      healthcheckTiming,
      'services:\n  a:\n    image: app:1\n    healthcheck: { test: [CMD, "true"], interval: 5s, timeout: 5s, start_period: 1s }\n',
    );
    const two = await hitsOf(
      healthcheckTiming,
      'services:\n  a:\n    image: app:1\n    restart: always\n    healthcheck: { test: [CMD, "true"], interval: 4s, timeout: 9s, start_period: 1s }\n',
    );
    expect(keys(one)).toEqual(['app/a: problem=timeout-not-below-interval']);
    expect(keys(two)).toEqual(keys(one));
  });
});

describe('depends-on-not-healthy', () => {
  it('flags a started-condition dependency on a service with a healthcheck', async () => {
    const hits = await hitsOf(
      dependsOnNotHealthy,
      `services:
  db:
    image: postgres:16
    ${GOOD}
  cache:
    image: redis:7
  web:
    image: app:1
    depends_on: [db, cache]
  worker:
    image: app:1
    depends_on:
      db: { condition: service_started }
  api:
    image: app:1
    depends_on:
      db: { condition: service_healthy }
`,
    );
    expect(keys(hits)).toEqual(['app/web: depends-on=db', 'app/worker: depends-on=db']);
    expect(hits[0]).toMatchObject({
      path: ['services', 'web', 'depends_on', 'db'],
      fix: 'depends_on: { db: { condition: service_healthy } }',
    });
  });

  it('ignores dependencies whose healthcheck is disabled', async () => {
    const hits = await hitsOf(
      dependsOnNotHealthy,
      'services:\n  db:\n    image: postgres:16\n    healthcheck: { disable: true }\n  web:\n    image: app:1\n    depends_on: [db]\n',
    );
    expect(hits).toEqual([]);
  });
});
