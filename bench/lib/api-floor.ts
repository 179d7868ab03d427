// The library floor of the api bench: a process that loads the libraries `berth serve` runs on and
// uses each once, the least a server built on them can do, and answers Berth's body through Hono.
// Its idle RSS is the memory those libraries cost before any of Berth's own code, which tells how
// far the RSS goals are from what the chosen libraries allow (as `spec` measures the bare parse).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type PeerProcess, startProgram } from './api-peer.js';

/** The libraries the floor loads, as the bench prints them. */
export const FLOOR_LIBRARIES =
  'hono + @hono/node-server, zod, yaml, better-sqlite3, pino, prom-client, dockerode (as Berth loads it), commander';

/**
 * The floor's program (ESM). argv: repo root, Berth's compiled engine/dockerode.js, the body to
 * answer, a compose file to parse and check, a SQLite file to open, the engine's socket (asked its
 * version, as `berth serve` does at start; an engine that does not answer is fine). Prints its port.
 */
export const FLOOR_SOURCE = `import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
const [repoRoot, dockerodeModule, bodyFile, composeFile, dbFile, socketPath] = process.argv.slice(2);
const resolve = createRequire(repoRoot + '/package.json').resolve;
const load = async (name) => import(pathToFileURL(resolve(name)).href);
const { Hono } = await load('hono');
const { serve } = await load('@hono/node-server');
const { z } = await load('zod');
const YAML = await load('yaml');
const Database = (await load('better-sqlite3')).default;
const pino = (await load('pino')).default;
const prom = await load('prom-client');
await load('commander');
const { loadDockerode } = await import(pathToFileURL(dockerodeModule).href);

const log = pino({ level: 'info' }, pino.destination(2));
const Service = z.object({ image: z.string().optional(), environment: z.record(z.string(), z.string()).optional() }).passthrough();
const Compose = z.object({ services: z.record(z.string(), Service) }).passthrough();
const parsed = Compose.safeParse(YAML.parseDocument(readFileSync(composeFile, 'utf8')).toJS());
const db = new Database(dbFile);
db.pragma('journal_mode = WAL');
db.exec('CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v TEXT)');
db.prepare('INSERT OR REPLACE INTO t VALUES (?, ?)').run('parsed', String(parsed.success));
const registry = new prom.Registry();
prom.collectDefaultMetrics({ register: registry, prefix: 'floor_' });
const requests = new prom.Counter({ name: 'floor_requests_total', help: 'requests', registers: [registry] });
const Docker = await loadDockerode();
const docker = new Docker({ socketPath });
await docker.version().catch(() => undefined);

const body = readFileSync(bodyFile);
const app = new Hono();
app.get('*', (c) => {
  requests.inc();
  return c.body(body, 200, { 'content-type': 'application/json' });
});
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  log.info({ port: info.port }, 'floor listening');
  process.stdout.write(String(info.port) + '\\n');
});
process.on('SIGINT', () => server.close(() => { db.close(); process.exit(0); }));
`;

export interface FloorFiles {
  readonly repoRoot: string;
  /** Berth's compiled `engine/dockerode.js`: dockerode loaded the way Berth loads it. */
  readonly dockerodeModule: string;
  readonly bodyFile: string;
  readonly composeFile: string;
  /** A folder of the bench's own for the program and its SQLite file. */
  readonly dir: string;
  /** The Docker engine's unix socket. */
  readonly engineSocket: string;
}

/** Starts the floor with Berth's node flags; resolves once it listens. */
export function startFloor(files: FloorFiles, nodeArgs: readonly string[]): Promise<PeerProcess> {
  const program = join(files.dir, 'floor.mjs');
  writeFileSync(program, FLOOR_SOURCE);
  return startProgram(
    [
      ...nodeArgs,
      program,
      files.repoRoot,
      files.dockerodeModule,
      files.bodyFile,
      files.composeFile,
      join(files.dir, 'floor.db'),
      files.engineSocket,
    ],
    'the library floor',
  );
}
