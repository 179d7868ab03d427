import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CONTROL_TOKENS,
  type ControlToken,
  TableStacks,
  tableControl,
} from '../../../test/support/control.js';
import { callAs, tableAuthenticator, testDeps } from '../../../test/support/http-app.js';
import { writeTree } from '../../../test/support/tree.js';
import { builtinXBerthRegistry } from '../../app/registry.js';
import { workspaceLoads } from '../../compose/workspace-source.js';
import { EngineError } from '../../engine/model.js';
import { JobService } from '../../jobs/service.js';
import { JobSummaries } from '../../jobs/summary.js';
import { openMemoryStore, type Store } from '../../store/index.js';
import { createApp } from '../app.js';

// The job routes through the app (no socket, no engine): listing, history with output only for
// operators, and manual runs as operations. The engine is "down" here, so a run ends failed.

const COMPOSE = (stack: string) => `services:
  app:
    image: busybox:1.36
    x-berth:
      jobs:
        segments:
          schedule: "0,15,30,45 * * * *"
          timezone: Europe/Berlin
          command: [php, bin/console, mautic:segments:update]
        send:
          schedule: "@every 5m"
          command: [send, "--limit={remaining}"]
          budget: { limit: 3800, per: day, consumed: "sent (?<n>\\\\d+)" }
  db:
    image: busybox:1.36
    x-berth:
      jobs:
        integrity: { schedule: "@weekly", preset: sqlite-integrity, database: /data/${stack}.db }
`;

let store: Store;
let release: () => void;
let app: ReturnType<typeof createApp>;
let jobs: JobService;

beforeEach(async () => {
  const root = await writeTree({
    'alpha/compose.yaml': COMPOSE('alpha'),
    'beta/compose.yaml': COMPOSE('beta'),
  });
  store = openMemoryStore({ now: () => new Date('2026-06-10T10:00:00Z') });
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const control = tableControl(store, new TableStacks());
  const workspace = workspaceLoads(root, { env: {}, registry: builtinXBerthRegistry() });
  jobs = new JobService({
    engine: async () => {
      await gate;
      throw new EngineError('ENGINE_UNAVAILABLE', 'no engine in HTTP tests', { hint: 'start one' });
    },
    store: () => store,
    clock: { now: () => new Date('2026-06-10T10:00:00Z'), sleep: async () => {} },
    events: () => control.hub,
    stacks: async () => (await workspace()).stacks,
  });
  app = createApp({
    ...testDeps({ root, authenticator: tableAuthenticator(CONTROL_TOKENS), control }),
    jobs: {
      jobs,
      summaries: new JobSummaries({ store: () => store, clock: { now: () => new Date() }, jobs }),
      runner: control.runner,
    },
  });
});
afterEach(() => store.close());

function call(method: string, path: string, token: ControlToken, body?: unknown) {
  return callAs(app, method, path, token, body);
}

describe('GET /api/v1/jobs', () => {
  it('lists the jobs of the stacks the caller may view, with schedule and budget', async () => {
    const all = await call('GET', '/api/v1/jobs', 'viewer');
    expect(all.status).toBe(200);
    expect(
      all.json.items.map(
        (j: { stack: string; service: string; job: string }) => `${j.stack}/${j.service}/${j.job}`,
      ),
    ).toEqual([
      'alpha/app/segments',
      'alpha/app/send',
      'alpha/db/integrity',
      'beta/app/segments',
      'beta/app/send',
      'beta/db/integrity',
    ]);
    const send = all.json.items[1];
    expect(send).toMatchObject({
      schedule: 'every 5m',
      run: 'exec',
      overlap: 'skip',
      running: false,
      budget: { limit: 3800, per: 'day', consumed: 0, remaining: 3800 },
    });
    expect(all.json.items[0].schedule).toBe('0,15,30,45 * * * * (Europe/Berlin)');
    const alphaOnly = await call('GET', '/api/v1/jobs', 'alpha-viewer');
    expect(new Set(alphaOnly.json.items.map((j: { stack: string }) => j.stack))).toEqual(new Set(['alpha']));
    expect((await call('GET', '/api/v1/stacks/beta/jobs', 'alpha-viewer')).status).toBe(403);
    expect((await call('GET', '/api/v1/stacks/alpha/jobs', 'alpha-viewer')).json.items).toHaveLength(3);
  });
});

describe('POST /api/v1/stacks/:stack/jobs/:service/:job/run', () => {
  it('starts a job operation (202) that ends with the run, recorded and visible in the history', async () => {
    const started = await call('POST', '/api/v1/stacks/alpha/jobs/app/segments/run', 'alpha-operator', {});
    expect(started.status).toBe(202);
    expect(started.json).toMatchObject({
      kind: 'job',
      stack: 'alpha',
      status: 'running',
      actor: 'alpha-operator',
    });
    // overlap: skip, and a run is going on: a second one is refused with a reason.
    const again = await call('POST', '/api/v1/stacks/alpha/jobs/app/segments/run', 'alpha-operator', {});
    expect(again).toMatchObject({ status: 409, json: { code: 'JOB_RUNNING' } });
    release();
    await jobs.idle();
    const op = await call('GET', `/api/v1/stacks/alpha/operations/${started.json.id}`, 'alpha-viewer');
    expect(op.json).toMatchObject({
      status: 'succeeded',
      result: { status: 'failed', trigger: 'manual', reason: expect.stringMatching(/no engine/) },
    });
    // Viewers see operations: the result leaves the output out (the history gives it to operators).
    expect(op.json.result).not.toHaveProperty('output');
    const history = await call('GET', '/api/v1/stacks/alpha/jobs/app/segments/runs', 'alpha-operator');
    expect(history.json.items).toHaveLength(1);
    expect(history.json.items[0]).toHaveProperty('output');
    const asViewer = await call('GET', '/api/v1/stacks/alpha/jobs/app/segments/runs', 'alpha-viewer');
    expect(asViewer.json.items[0]).not.toHaveProperty('output');
    const kinds = control()
      .backlog(0, 100)
      .filter((e) => e.kind === 'job')
      .map((e) => e.type);
    expect(kinds).toEqual(['started', 'finished', 'failed']);
  });

  it('needs the operator role, and names a job that does not exist', async () => {
    expect(
      (await call('POST', '/api/v1/stacks/alpha/jobs/app/segments/run', 'alpha-viewer', {})).status,
    ).toBe(403);
    const missing = await call('POST', '/api/v1/stacks/alpha/jobs/app/nope/run', 'alpha-operator', {});
    expect(missing).toMatchObject({ status: 404, json: { code: 'JOB_NOT_FOUND' } });
    const runs = await call('GET', '/api/v1/stacks/alpha/jobs/web/nope/runs', 'alpha-viewer');
    expect(runs.status).toBe(404);
  });

  it('names the services the stack has when the service itself does not exist, and starts nothing', async () => {
    const typo = await call('POST', '/api/v1/stacks/alpha/jobs/ap/segments/run', 'alpha-operator', {});
    expect(typo).toMatchObject({
      status: 404,
      json: {
        code: 'JOB_NOT_FOUND',
        detail: 'no job alpha/ap/segments: stack alpha has no service ap',
        hint: expect.stringContaining('its services: app, db'),
      },
    });
    expect(store.operations.list('alpha', 10)).toEqual([]);
  });
});

function control() {
  return { backlog: (after: number, limit: number) => store.events.after({ after, limit }) };
}
