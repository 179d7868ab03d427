import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { completeAlphaDbBackup, TEST_RECIPIENT } from '../../../test/support/backup-fixtures.js';
import {
  CONTROL_TOKENS,
  type ControlToken,
  TableStacks,
  tableControl,
} from '../../../test/support/control.js';
import { callAs, tableAuthenticator, testDeps } from '../../../test/support/http-app.js';
import { writeTree } from '../../../test/support/tree.js';
import { builtinXBerthRegistry } from '../../app/registry.js';
import { BackupService } from '../../backup/service.js';
import { workspaceLoads } from '../../compose/workspace-source.js';
import type { BackupSettings } from '../../config/backup-settings.js';
import { EngineError } from '../../engine/model.js';
import { openMemoryStore, type Store } from '../../store/index.js';
import { createApp } from '../app.js';

// The backup routes through the app (no socket, no engine): policies and backups for viewers, a
// backup now for operators (it fails: the engine is "down"), drills refused when they cannot run,
// pruning for admins, dry or not.

const COMPOSE = `services:
  db:
    image: mariadb:11.4
    x-berth:
      backup: { schedule: "0 3 * * *", retain: { daily: 2 } }
  cache:
    image: local/cache:1
    x-berth:
      backup: {}
  web:
    image: nginx:1.27
`;

const RECIPIENT = TEST_RECIPIENT;

let store: Store;
let app: ReturnType<typeof createApp>;
let now: Date;
let settings: BackupSettings | undefined;

beforeEach(async () => {
  const root = await writeTree({ 'alpha/compose.yaml': COMPOSE, 'beta/compose.yaml': COMPOSE });
  now = new Date('2026-06-10T03:00:00Z');
  store = openMemoryStore({ now: () => now });
  settings = { stores: { local: { type: 'dir', path: `${root}/backups` } }, recipients: [RECIPIENT] };
  const control = tableControl(store, new TableStacks());
  const workspace = workspaceLoads(root, { env: {}, registry: builtinXBerthRegistry() });
  const backups = new BackupService({
    engine: async () => {
      throw new EngineError('ENGINE_UNAVAILABLE', 'no engine in HTTP tests', { hint: 'start one' });
    },
    store: () => store,
    clock: { now: () => now, sleep: async () => {} },
    events: () => control.hub,
    stacks: async () => (await workspace()).stacks,
    settings: () => settings,
  });
  app = createApp({
    ...testDeps({ root, authenticator: tableAuthenticator(CONTROL_TOKENS), control }),
    backups: { backups, runner: control.runner, jobState: () => store.jobState },
  });
});
afterEach(() => store.close());

function call(method: string, path: string, token: ControlToken | 'admin', body?: unknown) {
  return callAs(app, method, path, token, body);
}

/** A completed backup of alpha/db taken at `iso`, drilled or not. */
function seed(iso: string, drill?: boolean): string {
  now = new Date(iso);
  const id = `${iso.replace(/[-:]/g, '').replace(/\.\d+/, '')}-00aa`;
  completeAlphaDbBackup(store, id, iso);
  if (drill !== undefined) store.backups.drillFinished(id, { passed: drill, durationMs: 100 });
  return id;
}

describe('GET /api/v1/stacks/:stack/backups', () => {
  it('lists the policies (kind inferred from the image, or missing) and the backups, newest first, without store keys', async () => {
    const older = seed('2026-06-08T03:00:00Z', true);
    const newer = seed('2026-06-09T03:00:00Z');
    const answer = await call('GET', '/api/v1/stacks/alpha/backups', 'alpha-viewer');
    expect(answer.status).toBe(200);
    expect(answer.json.policies).toEqual([
      { stack: 'alpha', service: 'cache', drill: 'after-each', retain: { daily: 7 } },
      {
        stack: 'alpha',
        service: 'db',
        kind: 'mariadb',
        schedule: '0 3 * * *',
        drill: 'after-each',
        retain: { daily: 2 },
        lastGood: { id: older, at: '2026-06-08T03:00:00.000Z' },
      },
    ]);
    expect(answer.json.items.map((b: { id: string }) => b.id)).toEqual([newer, older]);
    expect(answer.json.items[0]).not.toHaveProperty('artifact');
    expect(answer.json.items[1].drill).toMatchObject({ status: 'passed' });
    expect((await call('GET', '/api/v1/stacks/beta/backups', 'alpha-viewer')).status).toBe(403);
    const one = await call('GET', `/api/v1/stacks/alpha/backups/${older}`, 'alpha-viewer');
    expect(one.json.manifest.facts.tables).toEqual({ 'shop.items': 3 });
    expect((await call('GET', `/api/v1/stacks/beta/backups/${older}`, 'viewer')).status).toBe(404);
  });
});

describe('POST /api/v1/stacks/:stack/backups', () => {
  it('starts a backup operation for operators; it fails and says why, and nothing is listed as completed', async () => {
    expect(
      (await call('POST', '/api/v1/stacks/alpha/backups', 'alpha-viewer', { service: 'db' })).status,
    ).toBe(403);
    const started = await call('POST', '/api/v1/stacks/alpha/backups', 'alpha-operator', { service: 'db' });
    expect(started).toMatchObject({
      status: 202,
      json: { kind: 'backup', stack: 'alpha', status: 'running' },
    });
    let op = started.json;
    for (let i = 0; i < 50 && op.status === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      op = (await call('GET', `/api/v1/stacks/alpha/operations/${started.json.id}`, 'alpha-viewer')).json;
    }
    expect(op).toMatchObject({ status: 'failed', error: { code: 'BACKUP_DUMP_FAILED' } });
    const listed = await call('GET', '/api/v1/stacks/alpha/backups', 'alpha-viewer');
    expect(listed.json.items).toMatchObject([
      { service: 'db', status: 'failed', reason: expect.stringMatching(/no engine/) },
    ]);
  });

  it('refuses a backup while a deploy holds the stack: 409 naming the deployment, nothing started or listed', async () => {
    const deployment = store.deployments.create({ stack: 'alpha', trigger: 'api', plan: {} });
    const owner = { pid: process.pid, host: 'web1', token: 'deploy' };
    store.locks.acquire('alpha', { owner, deploymentId: deployment.id });
    expect(await call('POST', '/api/v1/stacks/alpha/backups', 'operator', { service: 'db' })).toMatchObject({
      status: 409,
      json: {
        code: 'BACKUP_STACK_BUSY',
        detail: expect.stringContaining(`held by deployment ${deployment.id} (pid ${process.pid} on web1`),
        hint: expect.stringMatching(/run the backup again once that has finished/),
      },
    });
    expect((await call('GET', '/api/v1/stacks/alpha/backups', 'alpha-viewer')).json.items).toEqual([]);
    const operations = await call('GET', '/api/v1/stacks/alpha/operations', 'alpha-viewer');
    expect(operations).toMatchObject({ status: 200, json: { items: [] } });
  });

  it('refuses what cannot run before starting: no policy, no kind, not configured', async () => {
    expect(await call('POST', '/api/v1/stacks/alpha/backups', 'operator', { service: 'web' })).toMatchObject({
      status: 404,
      json: { code: 'BACKUP_NO_POLICY', detail: 'alpha/web has no backup policy' },
    });
    // A service the stack does not have is a typo: the answer names the services there are.
    expect(await call('POST', '/api/v1/stacks/alpha/backups', 'operator', { service: 'dbb' })).toMatchObject({
      status: 404,
      json: {
        code: 'BACKUP_NO_POLICY',
        detail: 'stack alpha has no service dbb; nothing was backed up',
        hint: expect.stringMatching(/^its services: .*\bdb\b.*\bweb\b/),
      },
    });
    expect(
      await call('POST', '/api/v1/stacks/alpha/backups', 'operator', { service: 'cache' }),
    ).toMatchObject({
      status: 422,
      json: { code: 'BACKUP_KIND_UNKNOWN', hint: expect.stringMatching(/kind:/) },
    });
    settings = undefined;
    expect(await call('POST', '/api/v1/stacks/alpha/backups', 'operator', { service: 'db' })).toMatchObject({
      status: 503,
      json: { code: 'BACKUP_NOT_CONFIGURED' },
    });
  });
});

describe('POST /api/v1/stacks/:stack/backups/:id/drill', () => {
  it('refuses a drill without the identity to decrypt, or of a backup that is not complete', async () => {
    const id = seed('2026-06-09T03:00:00Z');
    expect(await call('POST', `/api/v1/stacks/alpha/backups/${id}/drill`, 'operator', {})).toMatchObject({
      status: 503,
      json: { code: 'BACKUP_NOT_CONFIGURED', detail: expect.stringMatching(/identity/) },
    });
    expect(
      (await call('POST', '/api/v1/stacks/alpha/backups/20260101T000000Z-0000/drill', 'operator', {})).status,
    ).toBe(404);
    expect((await call('POST', `/api/v1/stacks/alpha/backups/${id}/drill`, 'alpha-viewer', {})).status).toBe(
      403,
    );
  });
});

describe('POST /api/v1/stacks/:stack/backups/prune', () => {
  it('says what would go and why the rest stays; removes only when not dry, admins only', async () => {
    const ids = [
      '2026-06-05T03:00:00Z',
      '2026-06-06T03:00:00Z',
      '2026-06-07T03:00:00Z',
      '2026-06-08T03:00:00Z',
    ].map((t, i) => seed(t, i === 0));
    expect(
      (await call('POST', '/api/v1/stacks/alpha/backups/prune', 'operator', { dryRun: true })).status,
    ).toBe(403);
    const dry = await call('POST', '/api/v1/stacks/alpha/backups/prune', 'admin', { dryRun: true });
    expect(dry.status).toBe(200);
    expect(dry.json.decisions.map((d: { id: string; keep: boolean }) => `${d.id}:${d.keep}`)).toEqual([
      `${ids[3]}:true`,
      `${ids[2]}:true`,
      `${ids[1]}:false`,
      `${ids[0]}:true`,
    ]);
    expect(dry.json.decisions[3].reasons).toEqual(['the newest backup whose drill passed']);
    expect((await call('GET', '/api/v1/stacks/alpha/backups', 'viewer')).json.items).toHaveLength(4);
    const done = await call('POST', '/api/v1/stacks/alpha/backups/prune', 'admin', { dryRun: false });
    expect(done.json.decisions.filter((d: { keep: boolean }) => !d.keep)).toHaveLength(1);
    expect(
      (await call('GET', '/api/v1/stacks/alpha/backups', 'viewer')).json.items.map(
        (b: { id: string }) => b.id,
      ),
    ).toEqual([ids[3], ids[2], ids[0]]);
  });
});
