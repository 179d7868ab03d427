import type { Path } from '../../compose/load/yaml.js';
import type { Service } from '../../compose/schema/model.js';
import type { Hit, Snapshot, StackFacts } from '../types.js';

/** What a per-service check may return: nothing, one hit, or several. */
export type ServiceCheckResult = Hit | readonly Hit[] | undefined | null | false;

/**
 * Runs `fn` over every active service of every stack (the model only holds services enabled by the
 * active profiles), in stack order then service order, and flattens what it returns.
 */
export function eachService(
  snapshot: Snapshot,
  fn: (stack: StackFacts, name: string, service: Service) => ServiceCheckResult,
): Hit[] {
  const hits: Hit[] = [];
  for (const stack of snapshot.stacks) {
    for (const [name, service] of Object.entries(stack.loaded.model.services ?? {})) {
      const result = fn(stack, name, service);
      if (!result) continue;
      if (Array.isArray(result)) hits.push(...(result as readonly Hit[]));
      else hits.push(result as Hit);
    }
  }
  return hits;
}

/**
 * A hit on one service. `path` is RELATIVE to the service (e.g. `['image']` becomes
 * `['services', name, 'image']`); an empty path points at the service itself.
 */
export function serviceHit(
  stack: StackFacts,
  service: string,
  path: Path,
  evidence: string,
  message: string,
  fix?: string,
): Hit {
  return {
    stack: stack.name,
    service,
    path: ['services', service, ...path],
    evidence,
    message,
    ...(fix === undefined ? {} : { fix }),
  };
}

export interface ImageRef {
  /** Repository with its registry host, as written (e.g. `ghcr.io/org/app`, `nginx`). */
  readonly name: string;
  readonly tag?: string;
  /** `sha256:…` when the reference is digest-pinned. */
  readonly digest?: string;
}

/**
 * Splits `[registry[:port]/]repo[:tag][@digest]`. A `:` after the last `/` is a tag separator; one
 * before it belongs to a registry port (`localhost:5000/app`).
 */
export function parseImage(ref: string): ImageRef {
  const text = ref.trim();
  const at = text.indexOf('@');
  const digest = at === -1 ? undefined : text.slice(at + 1);
  const rest = at === -1 ? text : text.slice(0, at);
  const colon = rest.lastIndexOf(':');
  const hasTag = colon > rest.lastIndexOf('/');
  const name = hasTag ? rest.slice(0, colon) : rest;
  const tag = hasTag ? rest.slice(colon + 1) : undefined;
  return {
    name,
    ...(tag ? { tag } : {}),
    ...(digest ? { digest } : {}),
  };
}

/** The last path segment of an image name, lower-cased: `docker.io/bitnami/postgresql:16` → `postgresql`. */
export function imageBase(image: string): string {
  const { name } = parseImage(image);
  return (name.split('/').pop() ?? name).toLowerCase();
}

export type DatabaseEngine = 'mysql' | 'postgres' | 'mongo' | 'redis';

/*
 * Matched on the whole last segment so neighbours of a database (mongo-express, mysqld-exporter,
 * postgres-backup-local, redis-commander) are not taken for one.
 */
const ENGINES: Readonly<Record<string, DatabaseEngine>> = {
  mariadb: 'mysql',
  'mariadb-galera': 'mysql',
  mysql: 'mysql',
  'mysql-server': 'mysql',
  percona: 'mysql',
  'percona-server': 'mysql',
  postgres: 'postgres',
  postgresql: 'postgres',
  'postgresql-repmgr': 'postgres',
  postgis: 'postgres',
  timescaledb: 'postgres',
  'timescaledb-ha': 'postgres',
  pgvector: 'postgres',
  mongo: 'mongo',
  mongodb: 'mongo',
  'mongodb-community-server': 'mongo',
  redis: 'redis',
  'redis-stack': 'redis',
  'redis-stack-server': 'redis',
  valkey: 'redis',
  keydb: 'redis',
};

/** Databases without an engine family worth consolidating across stacks. */
const OTHER_DATABASES = new Set([
  'elasticsearch',
  'opensearch',
  'couchdb',
  'memcached',
  'mssql-server',
  'cassandra',
  'scylla',
  'influxdb',
  'clickhouse-server',
  'cockroach',
  'neo4j',
  'oracle-xe',
  'rethinkdb',
  'arangodb',
  'dragonfly',
]);

/** The engine family of a database image (`mariadb:11` → `mysql`), or undefined. */
export function databaseEngine(image: string | undefined): DatabaseEngine | undefined {
  if (!image) return undefined;
  return ENGINES[imageBase(image)];
}

/** Whether the image runs a database (relational, document, key-value or search store). */
export function isDatabaseImage(image: string | undefined): boolean {
  if (!image) return false;
  return databaseEngine(image) !== undefined || OTHER_DATABASES.has(imageBase(image));
}

/**
 * A one-shot service: another service waits for it to complete (`service_completed_successfully`),
 * so it is expected to exit and needs neither a healthcheck nor a restart policy.
 */
export function isOneShot(stack: StackFacts, name: string): boolean {
  for (const service of Object.values(stack.loaded.model.services ?? {})) {
    if (service.depends_on?.[name]?.condition === 'service_completed_successfully') return true;
  }
  return false;
}

/** A service's environment as resolved (env_file merged, interpolated); null values dropped. */
export function envOf(service: Service): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(service.environment ?? {}))
    if (typeof value === 'string') out[key] = value;
  return out;
}

/** `x-berth` as written on the stack or a service, before validation (rules read keys the registry may not know). */
export function rawXBerth(
  extensions: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  const value = extensions?.['x-berth'];
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** A stack-level hit located at the first compose file. */
export function stackHit(stack: StackFacts, evidence: string, message: string, fix?: string): Hit {
  return {
    stack: stack.name,
    file: stack.loaded.files[0] ?? stack.dir,
    line: 0,
    column: 0,
    evidence,
    message,
    ...(fix === undefined ? {} : { fix }),
  };
}
