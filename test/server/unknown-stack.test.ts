import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ContainerRow } from '../../src/api/deploy.js';
import { builtinXBerthRegistry } from '../../src/app/registry.js';
import { BackupService } from '../../src/backup/service.js';
import { workspaceLoads } from '../../src/compose/workspace-source.js';
import { EngineError } from '../../src/engine/model.js';
import { HealthService } from '../../src/health/service.js';
import { JobService } from '../../src/jobs/service.js';
import { JobSummaries } from '../../src/jobs/summary.js';
import { createApp } from '../../src/server/app.js';
import { openMemoryStore, type Store } from '../../src/store/index.js';
import { completeAlphaDbBackup, TEST_RECIPIENT } from '../support/backup-fixtures.js';
import { CONTROL_TOKENS, type ControlToken, TableStacks, tableControl } from '../support/control.js';
import { callAs, tableAuthenticator, testDeps } from '../support/http-app.js';
import { writeTree } from '../support/tree.js';

// A stack name Berth knows nothing of (not in the workspace, nothing recorded, no container) is a
// typo: the routes that read what Berth kept of a stack answer 404 DEPLOY_STACK_NOT_FOUND, as plan
// does, instead of an empty answer a monitoring job would take for green. A stack that left the
// workspace but left something behind (backups, a probe, job runs, containers) still answers with it.

const NOW = new Date('2026-06-10T10:30:00Z');

let store: Store;
let app: ReturnType<typeof createApp>;
let health: HealthService;
let runner: ReturnType<typeof tableControl>['runner'];

const container = (stack: string): ContainerRow => ({
  stack,
  service: 'web',
  replica: 1,
  name: `${stack}-web-1`,
  id: `id-${stack}`,
  state: 'running',
  status: 'Up 5 minutes',
  ports: [],
  image: 'nginx:1.27',
});

/** A completed backup of `stack`/db, as the backup service records one. */
function backupOf(stack: string, id: string): void {
  completeAlphaDbBackup(store, id, '2026-06-09T03:00:00Z', stack);
}

beforeEach(async () => {
  const root = await writeTree({
    'alpha/compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n',
    'beta/compose.yaml': 'services:\n  web:\n    image: nginx:1.27\n',
  });
  store = openMemoryStore({ now: () => NOW });
  // Left the workspace: `gone` deployed here (its containers remain), `kept` has only backups,
  // `probed` only a probe's state, `ran` only job runs, `stray` only containers (another server's).
  const stacks = new TableStacks(['alpha', 'gone', 'stray'].map(container), ['alpha', 'beta']);
  store.deployments.create({ stack: 'gone', trigger: 'api', plan: {} });
  backupOf('kept', '20260609T030000Z-0a1b');
  store.jobRuns.start({ stack: 'ran', service: 'app', job: 'tidy', trigger: 'manual', attempt: 1 });
  const control = tableControl(store, stacks);
  runner = control.runner;
  const workspace = workspaceLoads(root, { env: {}, registry: builtinXBerthRegistry() });
  const loaded = async () => (await workspace()).stacks;
  const noEngine = async (): Promise<never> => {
    throw new EngineError('ENGINE_UNAVAILABLE', 'no engine in HTTP tests', { hint: 'start one' });
  };
  const clock = { now: () => NOW, sleep: async () => {} };
  const events = () => control.hub;
  health = new HealthService({
    engine: noEngine,
    store: () => store,
    clock,
    events,
    subscribe: (listener) => control.hub.subscribe(listener),
    stacks: async () => [],
  });
  health.recorder.record(
    { stack: 'probed', service: 'web', probe: 'home' },
    { ok: true, at: NOW, latencyMs: 20, detail: 'ok' },
    { failureThreshold: 1, successThreshold: 1 },
  );
  // In the store, as the recorder's next flush (within a second) leaves it.
  health.recorder.flush();
  const backups = new BackupService({
    engine: noEngine,
    store: () => store,
    clock,
    events,
    stacks: loaded,
    settings: () => ({
      stores: { local: { type: 'dir', path: `${root}/b` } },
      recipients: [TEST_RECIPIENT],
      // Restores are configured: a refusal below is the stack's, not a missing key's.
      identityFile: `${root}/identity.txt`,
    }),
  });
  const jobs = new JobService({ engine: noEngine, store: () => store, clock, events, stacks: loaded });
  const deps = testDeps({ root, authenticator: tableAuthenticator(CONTROL_TOKENS), control });
  app = createApp({
    ...deps,
    auditLog: store.auditLog,
    health: { health },
    jobs: { jobs, summaries: new JobSummaries({ store: () => store, clock, jobs }), runner: control.runner },
    backups: { backups, runner: control.runner, jobState: () => store.jobState },
  });
});
afterEach(() => store.close());

function call(method: string, path: string, token: ControlToken, body?: unknown) {
  return callAs(app, method, path, token, body);
}

/** Each route naming a stack, as the caller the route needs. */
const ROUTES = (stack: string): Array<[string, string, ControlToken, unknown?]> => [
  ['GET', `/api/v1/health?stack=${stack}`, 'viewer'],
  ['GET', `/api/v1/containers?stack=${stack}`, 'viewer'],
  ['GET', `/api/v1/jobs?stack=${stack}`, 'viewer'],
  ['GET', `/api/v1/stacks/${stack}/jobs`, 'viewer'],
  ['GET', `/api/v1/stacks/${stack}/backups`, 'viewer'],
  ['POST', `/api/v1/stacks/${stack}/backups/prune`, 'admin', { dryRun: true }],
  ['POST', `/api/v1/stacks/${stack}/backups`, 'operator', { service: 'db' }],
  ['GET', `/api/v1/stacks/${stack}/health/web/home`, 'viewer'],
  ['GET', `/api/v1/stacks/${stack}/jobs/db/tidy/runs`, 'viewer'],
  ['POST', `/api/v1/stacks/${stack}/jobs/db/tidy/run`, 'operator', {}],
  ['GET', `/api/v1/stacks/${stack}/backups/20260609T030000Z-0a1b`, 'viewer'],
  ['POST', `/api/v1/stacks/${stack}/backups/20260609T030000Z-0a1b/drill`, 'operator', {}],
  ['POST', `/api/v1/stacks/${stack}/backups/20260609T030000Z-0a1b/restore`, 'admin', { dryRun: true }],
];

describe('a stack Berth knows nothing of', () => {
  it.each(ROUTES('nope'))('%s %s answers 404 DEPLOY_STACK_NOT_FOUND', async (method, path, token, body) => {
    const res = await call(method, path, token, body);
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({
      code: 'DEPLOY_STACK_NOT_FOUND',
      detail: 'no stack nope in the workspace',
      hint: expect.stringContaining("GET /api/v1/stacks list this server's stacks"),
    });
  });

  it('backup run says the stack is unknown; a known stack without the policy still says so', async () => {
    const unknown = await call('POST', '/api/v1/stacks/nope/backups', 'operator', { service: 'db' });
    expect(unknown.json.code).toBe('DEPLOY_STACK_NOT_FOUND');
    const known = await call('POST', '/api/v1/stacks/beta/backups', 'operator', { service: 'db' });
    expect(known).toMatchObject({ status: 404, json: { code: 'BACKUP_NO_POLICY' } });
  });

  it('a refused prune is not audited as done', async () => {
    await call('POST', '/api/v1/stacks/nope/backups/prune', 'admin', { dryRun: true });
    const [entry] = store.auditLog.list({ limit: 10, action: 'pruneBackups' }).items;
    expect(entry).toMatchObject({ target: 'nope' });
    expect(entry?.outcome).not.toBe('ok');
  });
});

describe('a restore into another stack', () => {
  const restore = (into: string, token: ControlToken = 'admin') =>
    call('POST', '/api/v1/stacks/kept/backups/20260609T030000Z-0a1b/restore', token, {
      dryRun: true,
      intoStack: into,
    });
  const traces = (stack: string) => ({
    operations: store.operations.list(stack, 10).length,
    events: store.events.after({ after: 0, limit: 10_000 }).filter((e) => e.stack === stack).length,
  });

  it('into a stack Berth knows nothing of: 404 before an operation or an event exists for it', async () => {
    const res = await restore('nosuchstack');
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({
      code: 'DEPLOY_STACK_NOT_FOUND',
      detail: 'no stack nosuchstack in the workspace',
    });
    expect(traces('nosuchstack')).toEqual({ operations: 0, events: 0 });
  });

  it('into a stack only another server’s containers name: 404 too (it is not this server’s)', async () => {
    expect((await restore('stray')).json).toMatchObject({ code: 'DEPLOY_STACK_NOT_FOUND' });
    expect(traces('stray')).toEqual({ operations: 0, events: 0 });
  });

  it('into a stack of the workspace: accepted, as an operation of that stack', async () => {
    const res = await restore('beta');
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ kind: 'restore', stack: 'beta' });
    await runner.idle();
    expect(traces('beta').operations).toBe(1);
  });

  it('needs admin on the target first, whether it exists or not', async () => {
    const unknown = await restore('nosuchstack', 'alpha-operator');
    const known = await restore('beta', 'alpha-operator');
    expect([unknown.status, known.status]).toEqual([403, 403]);
    expect(traces('nosuchstack')).toEqual({ operations: 0, events: 0 });
  });
});

describe('a stack of the workspace with nothing', () => {
  it('answers empty lists', async () => {
    expect((await call('GET', '/api/v1/health?stack=beta', 'viewer')).json).toEqual({
      items: [],
      crashLooping: [],
    });
    expect((await call('GET', '/api/v1/containers?stack=beta', 'viewer')).json).toEqual({ items: [] });
    expect((await call('GET', '/api/v1/jobs?stack=beta', 'viewer')).json).toEqual({ items: [] });
    expect((await call('GET', '/api/v1/stacks/beta/jobs', 'viewer')).json).toEqual({ items: [] });
    expect((await call('GET', '/api/v1/stacks/beta/backups', 'viewer')).json).toEqual({
      policies: [],
      items: [],
    });
    const prune = await call('POST', '/api/v1/stacks/beta/backups/prune', 'admin', { dryRun: true });
    expect(prune).toEqual({ status: 200, json: { dryRun: true, decisions: [] } });
  });
});

describe('a stack that left the workspace', () => {
  it('keeps its backups listed and prunable (a policy gone keeps them all)', async () => {
    const list = await call('GET', '/api/v1/stacks/kept/backups', 'viewer');
    expect(list.status).toBe(200);
    expect(list.json.items.map((b: { id: string }) => b.id)).toEqual(['20260609T030000Z-0a1b']);
    const prune = await call('POST', '/api/v1/stacks/kept/backups/prune', 'admin', { dryRun: true });
    expect(prune.status).toBe(200);
    expect(prune.json.decisions).toMatchObject([{ id: '20260609T030000Z-0a1b', keep: true }]);
  });

  it('keeps its probes and its containers', async () => {
    const probes = await call('GET', '/api/v1/health?stack=probed', 'viewer');
    expect(probes.status).toBe(200);
    expect(probes.json.items).toMatchObject([{ stack: 'probed', service: 'web', probe: 'home' }]);
    const ps = await call('GET', '/api/v1/containers?stack=gone', 'viewer');
    expect(ps.status).toBe(200);
    expect(ps.json.items.map((c: ContainerRow) => c.name)).toEqual(['gone-web-1']);
  });

  it('with job runs only, or another server’s containers only, is known (their lists are empty)', async () => {
    for (const path of ['/api/v1/jobs?stack=ran', '/api/v1/stacks/ran/jobs', '/api/v1/health?stack=stray']) {
      expect((await call('GET', path, 'viewer')).status, path).toBe(200);
    }
    // Another server's containers stay out of every list but the admin's orphans.
    expect((await call('GET', '/api/v1/containers?stack=stray', 'viewer')).json).toEqual({ items: [] });
  });

  it('keeps the recorded runs of a job no longer defined readable; a job that never ran is not found', async () => {
    const runs = await call('GET', '/api/v1/stacks/ran/jobs/app/tidy/runs', 'viewer');
    expect(runs.status).toBe(200);
    expect(runs.json.items).toMatchObject([{ stack: 'ran', service: 'app', job: 'tidy' }]);
    const none = await call('GET', '/api/v1/stacks/ran/jobs/app/other/runs', 'viewer');
    expect([none.status, none.json.code]).toEqual([404, 'JOB_NOT_FOUND']);
  });
});

describe('a caller without rights on the stack', () => {
  it('learns nothing of whether it exists', async () => {
    for (const path of ['/api/v1/health?stack=', '/api/v1/containers?stack=', '/api/v1/jobs?stack=']) {
      const unknown = await call('GET', `${path}nope`, 'alpha-viewer');
      const known = await call('GET', `${path}beta`, 'alpha-viewer');
      expect(unknown.status, path).toBe(200);
      expect(unknown.json, path).toEqual(known.json);
    }
    for (const [method, path, body] of [
      ['GET', '/api/v1/stacks/STACK/backups', undefined],
      ['GET', '/api/v1/stacks/STACK/jobs', undefined],
      ['POST', '/api/v1/stacks/STACK/backups', { service: 'db' }],
    ] as const) {
      const unknown = await call(method, path.replace('STACK', 'nope'), 'alpha-operator', body);
      const known = await call(method, path.replace('STACK', 'beta'), 'alpha-operator', body);
      expect([unknown.status, known.status], path).toEqual([403, 403]);
      expect(unknown.json.detail).toBe(known.json.detail.replace('beta', 'nope'));
    }
  });
});
