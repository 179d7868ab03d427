import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  type ImportEdge,
  importGraph,
  layerOf,
  REPO_ROOT,
  runtimeClosure,
  sourceFiles,
} from '../support/import-graph.js';

// The import rules of docs/architecture.md, checked on every file under src/ (tests left out).

const graph = importGraph();
const edges: ImportEdge[] = [...graph.values()].flat();
const internal = (e: ImportEdge) => e.to.startsWith('src/');

/**
 * Who may import whom (type imports included): each folder of src/ and the folders it may use.
 * A new capability adds its row here and in docs/architecture.md; the table is the review point.
 */
const MAY_IMPORT: Readonly<Record<string, readonly string[]>> = {
  clock: [],
  secrets: [],
  log: [],
  // The contract is shared with clients: zod, plus the vocabulary it names (stack names, roles).
  api: ['access', 'compose'],
  compose: ['secrets'],
  engine: [],
  store: ['api', 'clock'],
  access: ['api', 'clock', 'compose', 'store'],
  // Health runs probes (engine), records results (store) and publishes changes (events).
  health: ['api', 'clock', 'compose', 'engine', 'events', 'secrets', 'store'],
  deploy: ['api', 'clock', 'compose', 'engine', 'health', 'log', 'secrets', 'store'],
  audit: ['api', 'clock', 'compose', 'engine', 'secrets'],
  events: ['api', 'engine', 'store'],
  operations: ['api', 'clock', 'deploy', 'events', 'store'],
  jobs: ['api', 'clock', 'compose', 'deploy', 'engine', 'events', 'secrets', 'store'],
  // Backups take their schedules' grammar from jobs, and their stores' settings (a type) from config.
  backup: ['api', 'clock', 'compose', 'config', 'deploy', 'engine', 'events', 'jobs', 'secrets', 'store'],
  metrics: ['api', 'health', 'operations'],
  config: ['compose', 'engine', 'log'],
  // Alerts take their settings (types) from config and send dead letters as events.
  alerts: ['api', 'clock', 'config', 'events', 'secrets', 'store'],
  server: [
    'access',
    'api',
    'backup',
    'clock',
    'compose',
    'deploy',
    'engine',
    'events',
    'health',
    'jobs',
    'log',
    'metrics',
    'operations',
    'store',
  ],
  app: [
    'access',
    'alerts',
    'api',
    'audit',
    'backup',
    'clock',
    'compose',
    'config',
    'deploy',
    'engine',
    'events',
    'health',
    'jobs',
    'log',
    'metrics',
    'operations',
    // registry-auth.ts: the credentials deploys pull with, from the operator's docker config.
    'secrets',
    'server',
    'store',
    // serve.ts mounts the dashboard beside the API.
    'web',
  ],
  cli: [
    'access',
    'api',
    'app',
    'audit',
    'backup',
    'clock',
    'compose',
    'config',
    'deploy',
    'engine',
    'health',
    'jobs',
    'log',
  ],
  // The dashboard is a client of the API: it reads and changes only through the contract.
  web: ['api'],
};

/** Only these files of the contract's vocabulary may be imported by src/api. */
const CONTRACT_VOCABULARY = ['src/access/policy.ts', 'src/access/roles.ts', 'src/compose/names.ts'];

/** Modules that reach outside the process (files, sockets, processes, databases, the engine). */
const IO_MODULES = [
  'fs',
  'fs/promises',
  'child_process',
  'net',
  'http',
  'https',
  'http2',
  'tls',
  'dgram',
  'dns',
  'os',
  'worker_threads',
  'cluster',
  'readline',
  'better-sqlite3',
  'dockerode',
  'docker-modem',
  'tar-fs',
  'pino',
  'prom-client',
  '@hono/node-server',
  '@node-rs/argon2',
];

/**
 * Pure modules: the functional core. They compute; whatever they need from outside is passed in.
 * Their runtime closure must hold no I/O module.
 */
const PURE = [
  ...sourceFiles('src/api'),
  'src/engine/model.ts',
  'src/engine/exec-kill.ts',
  'src/engine/proc-text.ts',
  ...sourceFiles('src/compose/schema'),
  ...sourceFiles('src/compose/merge'),
  'src/compose/names.ts',
  'src/compose/graph.ts',
  'src/compose/graph-format.ts',
  'src/compose/diagnostics.ts',
  'src/compose/load/interpolate.ts',
  'src/compose/load/dotenv.ts',
  'src/compose/load/profiles.ts',
  'src/compose/load/yaml.ts',
  'src/deploy/plan.ts',
  'src/deploy/plan-types.ts',
  'src/deploy/plan-replicas.ts',
  'src/deploy/desired.ts',
  'src/deploy/diff.ts',
  'src/deploy/file-digests.ts',
  'src/deploy/redact.ts',
  'src/deploy/probe.ts',
  'src/deploy/ready.ts',
  'src/deploy/schedule.ts',
  'src/deploy/recovery.ts',
  ...sourceFiles('src/audit/rules'),
  'src/health/conditions.ts',
  'src/health/describe.ts',
  'src/health/gate.ts',
  'src/health/expressions.ts',
  'src/health/expressions-eval.ts',
  'src/health/probe-state.ts',
  'src/health/uptime.ts',
  'src/health/crash-loop.ts',
  'src/health/xberth.ts',
  'src/health/report.ts',
  'src/health/monitor/catalog.ts',
  'src/health/monitor/due-queue.ts',
  'src/health/monitor/verdict.ts',
  'src/health/monitor/events.ts',
  'src/health/monitor/container-verdict.ts',
  'src/access/rbac.ts',
  'src/access/roles.ts',
  'src/operations/kinds.ts',
  'src/operations/interrupted.ts',
  'src/operations/failure-alert.ts',
  'src/operations/finished-event.ts',
  'src/operations/progress-event.ts',
  'src/backup/restore-trace.ts',
  'src/backup/settled.ts',
  'src/jobs/schedule.ts',
  'src/alerts/tail-cursor.ts',
  'src/jobs/budget.ts',
  'src/jobs/deploy-gate.ts',
  'src/jobs/xberth.ts',
  'src/jobs/oneoff.ts',
  'src/jobs/output.ts',
  'src/jobs/overlap.ts',
  'src/jobs/verdict.ts',
  'src/backup/xberth.ts',
  'src/backup/sql-count.ts',
  'src/backup/tar-count.ts',
  'src/backup/rdb-facts.ts',
  'src/backup/facts.ts',
  'src/backup/retention.ts',
  'src/backup/helper.ts',
  'src/backup/scratch.ts',
  'src/backup/catalog.ts',
  'src/backup/service-checks.ts',
  'src/backup/restore-needs.ts',
  'src/config/serve-file-schema.ts',
  'src/config/serve-file-problems.ts',
  'src/cli/api-error.ts',
  'src/cli/api-answer.ts',
  'src/app/listen-error.ts',
  'src/alerts/backoff.ts',
  'src/alerts/classify.ts',
  'src/alerts/errors.ts',
  'src/alerts/formats.ts',
  'src/alerts/lifecycle.ts',
  'src/alerts/mask.ts',
  'src/alerts/message.ts',
  'src/alerts/render.ts',
  'src/alerts/routing.ts',
  'src/alerts/views.ts',
  'src/config/alert-settings.ts',
  'src/config/alert-resolve.ts',
  'src/config/alert-keys.ts',
  'src/secrets/registry-reference.ts',
  'src/secrets/registry-errors.ts',
  'src/secrets/json-position.ts',
  'src/deploy/pull-policy.ts',
];

describe('import rules', () => {
  it('knows every folder of src/', () => {
    const layers = new Set(sourceFiles().map(layerOf));
    expect([...layers].filter((l) => !(l in MAY_IMPORT))).toEqual([]);
  });

  it('lets each folder import only the folders the architecture allows', () => {
    const violations = edges
      .filter(internal)
      .filter((e) => layerOf(e.from) !== layerOf(e.to))
      .filter((e) => !(MAY_IMPORT[layerOf(e.from)] ?? []).includes(layerOf(e.to)))
      .map((e) => `${e.from} imports ${e.to}`);
    expect(violations).toEqual([]);
  });

  it('keeps the API contract to zod and its vocabulary, so the web page can load it', () => {
    const outside = edges
      .filter((e) => e.from.startsWith('src/api/') && !e.to.startsWith('src/api/'))
      .filter((e) => e.to !== 'zod' && !CONTRACT_VOCABULARY.includes(e.to))
      .map((e) => `${e.from} imports ${e.to}`);
    expect(outside).toEqual([]);
  });

  it('lets only src/engine import dockerode', () => {
    const users = edges
      .filter((e) => ['dockerode', 'docker-modem'].includes(e.to) && !e.from.startsWith('src/engine/'))
      .map((e) => e.from);
    expect(users).toEqual([]);
  });

  it('lets only the composition root open the engine connection and the state file', () => {
    const connection = edges
      .filter((e) => ['src/engine/index.ts', 'src/store/db.ts'].includes(e.to) && !e.typeOnly)
      .filter((e) => !e.from.startsWith('src/app/') && layerOf(e.from) !== layerOf(e.to))
      .map((e) => `${e.from} imports ${e.to}`);
    expect(connection).toEqual([]);
  });

  it('keeps src/cli and src/web away from src/server', () => {
    const crossing = edges
      .filter((e) => ['cli', 'web'].includes(layerOf(e.from)) && internal(e) && layerOf(e.to) === 'server')
      .map((e) => `${e.from} imports ${e.to}`);
    expect(crossing).toEqual([]);
  });

  it('loads no I/O module from a pure module, however indirectly', () => {
    const found: string[] = [];
    for (const file of PURE) {
      expect(graph.has(file), `${file} is listed as pure but does not exist`).toBe(true);
      for (const [module, chain] of runtimeClosure(graph, file)) {
        if (IO_MODULES.includes(module) || module === 'src/engine/index.ts') found.push(chain.join(' → '));
      }
    }
    expect(found).toEqual([]);
  });

  it('would catch a violation (the checks are not empty)', () => {
    const fake = new Map(graph);
    fake.set('src/deploy/plan.ts', [
      { from: 'src/deploy/plan.ts', to: 'src/engine/index.ts', typeOnly: false },
    ]);
    const closure = runtimeClosure(fake, 'src/deploy/plan.ts');
    expect([...closure.keys()]).toContain('dockerode');
    expect(PURE.length).toBeGreaterThan(40);
  });

  it('does not load dockerode when the planner is imported (checked in a fresh process)', () => {
    const script = [
      "const { createRequire } = await import('node:module');",
      "await import('./src/deploy/plan.ts');",
      "await import('./src/deploy/desired.ts');",
      'const require = createRequire(import.meta.url);',
      'const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\\\/]docker(ode|-modem)[\\\\/]/.test(k));',
      "process.stdout.write(String(loaded.length) + '\\n');",
    ].join('\n');
    const run = (code: string) =>
      execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
      }).trim();
    expect(run(script)).toBe('0');
    // The same check sees dockerode once it is loaded (src/engine loads it on its first connection): it can fail.
    expect(Number(run(script.replace('./src/deploy/desired.ts', 'dockerode')))).toBeGreaterThan(0);
  });
});
