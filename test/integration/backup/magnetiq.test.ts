import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedStack } from '../../../src/compose/stack.js';
import { EventHub } from '../../../src/events/hub.js';
import { JobService } from '../../../src/jobs/service.js';
import { type DeployHarness, httpGet, repoRoot, startHarness } from '../deploy/support.js';
import { freePort, waitFor } from '../engine/support.js';
import { type BackupKit, backupKit } from './support.js';

// examples/magnetiq (seed 004) end to end: nginx in front of a Python API on SQLite in WAL mode,
// built from Debian packages; its notes are backed up, drilled, checked by its integrity job and
// restored after a change.

let h: DeployHarness;
let kit: BackupKit;
let dir: string;
let stack: string;
let port: number;
let loaded: LoadedStack;

async function post(text: string): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${port}/api/notes`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  return r.status;
}

const notes = async () => JSON.parse((await httpGet(port, '/health'))?.body ?? '{}').notes as number;

beforeAll(async () => {
  h = await startHarness();
  kit = await backupKit(h);
  stack = h.stackName();
  dir = mkdtempSync(join(tmpdir(), 'berth-magnetiq-'));
  cpSync(join(repoRoot, 'examples', 'magnetiq'), dir, { recursive: true });
  port = await freePort();
  loaded = await h.load(dir, stack, { MAGNETIQ_PORT: String(port) });
});

afterAll(async () => {
  await h?.cleanup();
  kit?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('examples/magnetiq', () => {
  it('deploys, keeps notes, and its backups are drilled, checked and restored', {
    timeout: 900_000,
  }, async () => {
    const result = await h.deploy(loaded);
    expect(result.outcome).toBe('succeeded');
    await waitFor('magnetiq to answer', async () => (await httpGet(port, '/health'))?.status === 200);
    const page = await httpGet(port, '/');
    expect(page?.body).toContain('Magnetiq');
    for (let i = 0; i < 25; i++) expect(await post(`note ${i}`)).toBe(201);
    expect(await post('')).toBe(400);
    expect(await notes()).toBe(25);

    const backups = kit.service(() => [loaded]);
    const entry = await backups.find(stack, 'api');
    expect(entry.policy.schedule).toMatchObject({
      kind: 'cron',
      pattern: '0 3 * * *',
      timezone: 'Europe/Berlin',
    });
    expect(entry.policy.retain).toEqual({ daily: 7 });
    const b = await backups.run(entry, { trigger: 'manual' });
    expect(b).toMatchObject({ status: 'completed', drill: { status: 'passed' } });
    expect(b.manifest?.facts.tables).toEqual({ notes: 25 });

    const jobs = new JobService({
      engine: async () => h.engine,
      store: () => h.store,
      clock: h.clock,
      events: () => new EventHub(h.store.events),
      stacks: async () => [loaded],
    });
    const integrity = await jobs.run(await jobs.find({ stack, service: 'api', job: 'integrity' }), {
      trigger: 'manual',
    });
    expect(integrity).toMatchObject({ status: 'succeeded', output: expect.stringContaining('ok') });

    for (let i = 0; i < 5; i++) await post(`later ${i}`);
    expect(await notes()).toBe(30);
    const restored = await backups.restore({ stack, id: b.id });
    expect(restored).toMatchObject({ outcome: 'restored', stopped: ['web'] });
    expect(await notes()).toBe(25);
    expect((await httpGet(port, '/api/notes'))?.status).toBe(200);
  });
});
