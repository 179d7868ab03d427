import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execInService } from '../../../src/deploy/containers.js';
import { downStack } from '../../../src/deploy/down.js';
import { freePort, waitFor } from '../engine/support.js';
import {
  containerIds,
  type DeployHarness,
  dockerHealth,
  httpGet,
  repoRoot,
  startHarness,
} from './support.js';

// The bundled seed-000 stack, end to end on the real engine: web (Apache + PHP), worker, cron,
// MariaDB and Redis, built from the local Debian image. Its first deploy also runs the install
// phase. A unique stack name and a free port keep it apart from anything else on the engine.

let h: DeployHarness;
let dir: string;
let stack: string;
let port: number;
let env: Record<string, string>;

beforeAll(async () => {
  h = await startHarness();
  stack = h.stackName();
  dir = mkdtempSync(join(tmpdir(), 'berth-force1-'));
  cpSync(join(repoRoot, 'examples', 'force1'), dir, { recursive: true });
  port = await freePort();
  env = { DB_PASSWORD: `pw-${stack}-'q"`, WEB_PORT: String(port) };
});

afterAll(async () => {
  if (h) await downStack({ ...h, owner: h.owner() }, stack, { volumes: true }).catch(() => undefined);
  await h?.cleanup();
});

describe('examples/force1', () => {
  it('deploys all five services healthy, answers over HTTP, and ends its install phase', {
    timeout: 900_000,
  }, async () => {
    const result = await h.deploy(await h.load(dir, stack, env));
    expect(result.outcome).toBe('succeeded');
    const page = await waitFor('force1 to answer', async () => {
      const r = await httpGet(port);
      return r?.status === 200 ? r : undefined;
    });
    expect(page?.body).toMatch(/force1 is up: visit \d+/);
    expect((await httpGet(port, '/health.php'))?.status).toBe(200);
    const services = ['web', 'worker', 'cron', 'db', 'redis'];
    const ids = await containerIds(h.engine, stack);
    // The gates passed on Berth's own runs of each healthcheck; Docker's checks follow on their interval.
    expect(
      await dockerHealth(
        h.engine,
        services.map((s) => ids[`${stack}-${s}-1`] ?? ''),
        30_000,
      ),
    ).toEqual(services.map(() => 'healthy'));
    for (const service of services) {
      const info = await h.engine.containers.inspect(ids[`${stack}-${service}-1`] ?? '');
      expect([service, info.state]).toEqual([service, 'running']);
      if (service === 'web') expect(info.env.some((e) => e.startsWith('APP_INSTALL_FORCE'))).toBe(false);
    }
    expect(h.store.installState.get(stack, 'web')?.status).toBe('completed');
    // The worker consumed the job the visit queued: it is in MariaDB.
    const jobs = await waitFor('the worker to store a job', async () => {
      const r = await execInService(h.engine, stack, 'db', [
        'mariadb',
        '-N',
        '-e',
        'SELECT COUNT(*) FROM force1.jobs',
      ]);
      return r.exitCode === 0 && Number(r.stdout.trim()) > 0 ? Number(r.stdout.trim()) : undefined;
    });
    expect(jobs).toBeGreaterThan(0);
  });

  it('recreates only the worker when its environment changes', { timeout: 300_000 }, async () => {
    const before = await containerIds(h.engine, stack);
    // Add one variable to the worker's environment only (after its `<<: *app-env`).
    const file = join(dir, 'compose.yaml');
    const text = readFileSync(file, 'utf8');
    const at =
      text.indexOf('      <<: *app-env\n', text.indexOf('\n  worker:\n')) + '      <<: *app-env\n'.length;
    writeFileSync(file, `${text.slice(0, at)}      APP_LOG_LEVEL: debug\n${text.slice(at)}`);
    const result = await h.deploy(await h.load(dir, stack, env));
    expect(result.outcome).toBe('succeeded');
    expect(result.plan.services.filter((s) => s.steps.length > 0).map((s) => s.service)).toEqual(['worker']);
    const after = await containerIds(h.engine, stack);
    for (const service of ['web', 'cron', 'db', 'redis'])
      expect(after[`${stack}-${service}-1`]).toBe(before[`${stack}-${service}-1`]);
    expect(after[`${stack}-worker-1`]).not.toBe(before[`${stack}-worker-1`]);
  });

  it('down keeps the volumes (and so the data) unless asked', { timeout: 120_000 }, async () => {
    await downStack({ ...h, owner: h.owner() }, stack);
    const volumes = (await h.engine.volumes.list({ 'dev.berth.stack': stack })).map((v) => v.name).sort();
    expect(volumes).toEqual([`${stack}_db-data`, `${stack}_redis-data`]);
    expect(await h.engine.containers.list({ 'dev.berth.stack': stack }, { all: true })).toEqual([]);
  });
});
