import { describe, expect, it } from 'vitest';
import { ServiceSchema } from '../../compose/schema/model.js';
import { suggestedTest } from './health-suggest.js';

const svc = (fields: Record<string, unknown>) => ServiceSchema.parse(fields);
const testOf = (image: string | undefined, extra: Record<string, unknown> = {}) =>
  suggestedTest(svc({ ...(image ? { image } : {}), ...extra }));

describe('suggestedTest: databases get their own client', () => {
  it.each([
    ['redis:7-alpine', '"redis-cli", "ping"'],
    ['bitnami/redis:7.2', '"redis-cli", "ping"'],
    ['redis/redis-stack-server:7.4.0-v1', '"redis-cli", "ping"'],
    ['redislabs/redismod', '"redis-cli", "ping"'],
    ['valkey/valkey:8-alpine', '"valkey-cli", "ping"'],
    ['eqalpha/keydb:latest', '"keydb-cli", "ping"'],
  ])('%s → %s, never wget', (image, argv) => {
    const s = testOf(image, { ports: ['6379:6379'] });
    expect(s.test).toBe(`test: ["CMD", ${argv}]`);
    expect(s.test).not.toContain('wget');
    expect(s.note).toContain('requirepass');
  });

  it.each([
    'postgres:16',
    'postgis/postgis:16-3.4',
    'pgvector/pgvector:pg16',
    'timescale/timescaledb:latest-pg16',
    'bitnami/postgresql:16',
  ])('%s → pg_isready', (image) => {
    expect(testOf(image).test).toBe('test: ["CMD-SHELL", "pg_isready -U $${POSTGRES_USER:-postgres}"]');
  });

  it.each([
    'mariadb:11',
    'mariadb:10.11',
    'mariadb:latest',
    'mariadb',
    'docker.io/library/mariadb:lts',
    'mariadb:10.4',
  ])('the official %s → its healthcheck.sh', (image) => {
    expect(testOf(image).test).toBe('test: ["CMD", "healthcheck.sh", "--connect", "--innodb_initialized"]');
  });

  it.each(['mariadb:10.3', 'bitnami/mariadb:11', 'mysql:8.4', 'percona:8', 'bitnami/mariadb-galera:11'])(
    '%s (no healthcheck.sh) → mysqladmin ping, with how to pass the password',
    (image) => {
      const s = testOf(image);
      expect(s.test).toBe('test: ["CMD", "mysqladmin", "ping", "-h", "localhost"]');
      expect(s.note).toContain('--password=');
    },
  );

  it.each([
    ['mongo:7', 'mongosh'],
    ['mongo', 'mongosh'],
    ['mongo:4.4', 'mongo'],
  ])('%s → %s', (image, shell) => {
    expect(testOf(image).test).toBe(
      `test: ["CMD", "${shell}", "--quiet", "--eval", "db.adminCommand('ping')"]`,
    );
  });
});

describe('suggestedTest: HTTP checks only with a tool the image has', () => {
  it('uses curl in the official nginx image, on the port it serves', () => {
    for (const image of ['nginx:1.27', 'nginx', 'docker.io/library/nginx:latest']) {
      expect(testOf(image, { ports: ['8080:80'] })).toEqual({
        test: 'test: ["CMD", "curl", "-fsS", "-o", "/dev/null", "http://localhost:80/"]',
      });
    }
  });

  it('uses BusyBox wget in Alpine and BusyBox images', () => {
    expect(testOf('nginx:1.27-alpine', { expose: ['8080'] }).test).toBe(
      'test: ["CMD", "wget", "-q", "--spider", "http://localhost:8080/"]',
    );
    expect(testOf('caddy:2-alpine').test).toContain('"wget"');
    expect(testOf('busybox:1').test).toContain('"wget"');
  });

  it('names no program for an image not known to have curl or wget, and says to use one it has', () => {
    const s = testOf('ghcr.io/example/app:1', { ports: ['3000:3000'] });
    expect(s.test).toBe('test: ["CMD", "<program>", "<args>"]');
    expect(s.note).toBe(
      'the image ghcr.io/example/app:1 is not known to have curl or wget: use a program it has that fails when the service does not answer (on port 3000), such as its own health command',
    );
    // Someone else's nginx build is not the official image.
    expect(testOf('ghcr.io/mailu/nginx:2024.06').test).toContain('<program>');
  });

  it('says so of an image built here, and of a service without a port', () => {
    expect(testOf(undefined, { build: '.' }).note).toMatch(/^the image is built here: use a program it has/);
    expect(testOf('app:1').note).toContain('does not answer, such as');
  });
});
