import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeployEvent } from '../../../src/deploy/events.js';
import { BerthLabel, ComposeLabel } from '../../../src/engine/model.js';
import { freePort } from '../engine/support.js';
import {
  containerIds,
  type DeployHarness,
  dockerCompose,
  dockerHealth,
  editCompose,
  httpGet,
  recordEvents,
  startHarness,
} from './support.js';

// One stack (examples/broken/good, copied) taken through its life: first deploy, a one-variable
// change, a no-op redeploy, then a broken healthcheck that must roll back to the running web.

let h: DeployHarness;
let dir: string;
let stack: string;
let port: number;
let message = 'hello one';
let dbName = 'app';
const env = (): Record<string, string> => ({ PORT: String(port), MESSAGE: message, DB_NAME: dbName });

beforeAll(async () => {
  h = await startHarness();
  dir = h.copyExample('good');
  stack = h.stackName();
  port = await freePort();
});

afterAll(async () => {
  await h?.cleanup();
});

describe.sequential('deploying examples/broken/good', () => {
  let firstIds: Record<string, string> = {};

  it('deploys every service healthy, with Berth and compose labels, visible to docker-compose ps', async () => {
    const events: DeployEvent[] = [];
    const result = await h.deploy(await h.load(dir, stack, env()), { events });
    expect(result.outcome).toBe('succeeded');
    expect(result.deploymentId).toBeDefined();
    // Each gate passed on Berth's own run of the healthcheck, and says what Docker's status was.
    const passed = events.filter((e) => e.type === 'gate' && e.message.startsWith('passed:'));
    expect(passed.map((e) => e.service).sort()).toEqual(['db', 'web']);
    for (const e of passed) expect(e.message).toMatch(/healthcheck passed .* \(Docker: (starting|healthy)\)/);

    const containers = await h.engine.containers.list({ [BerthLabel.Stack]: stack }, { all: true });
    expect(containers.map((c) => c.name).sort()).toEqual([`${stack}-db-1`, `${stack}-web-1`]);
    expect(
      await dockerHealth(
        h.engine,
        containers.map((c) => c.id),
      ),
    ).toEqual(['healthy', 'healthy']);
    for (const c of containers) {
      const info = await h.engine.containers.inspect(c.id);
      expect(info.state).toBe('running');
      const service = c.name === `${stack}-db-1` ? 'db' : 'web';
      expect(info.labels).toMatchObject({
        [BerthLabel.Managed]: 'true',
        [BerthLabel.Stack]: stack,
        [BerthLabel.Service]: service,
        [BerthLabel.Replica]: '1',
        [ComposeLabel.Project]: stack,
        [ComposeLabel.Service]: service,
        [ComposeLabel.ContainerNumber]: '1',
        [ComposeLabel.OneOff]: 'False',
      });
      expect(info.labels[BerthLabel.ConfigHash]).toMatch(/^[0-9a-f]{32}$/);
    }
    expect((await httpGet(port))?.body).toBe('hello one\n');

    const ps = dockerCompose(dir, ['-p', stack, 'ps'], env());
    expect(ps.status, ps.stderr).toBe(0);
    expect(ps.stdout).toContain(`${stack}-db-1`);
    expect(ps.stdout).toContain(`${stack}-web-1`);

    const deployment = h.store.deployments.get(result.deploymentId ?? 0);
    expect(deployment?.status).toBe('succeeded');
    firstIds = await containerIds(h.engine, stack);
  });

  it('recreates only the service whose environment changed, and says why', async () => {
    message = 'hello two';
    const result = await h.deploy(await h.load(dir, stack, env()));
    expect(result.outcome).toBe('succeeded');
    const web = result.plan.services.find((s) => s.service === 'web');
    const db = result.plan.services.find((s) => s.service === 'db');
    expect(db?.steps).toEqual([]);
    expect(web?.steps.map((s) => s.kind)).toEqual(['recreate']);
    expect(web?.steps[0]?.reasons).toContain('env MESSAGE changed: hello one → hello two');

    const ids = await containerIds(h.engine, stack);
    expect(Object.keys(ids).sort()).toEqual([`${stack}-db-1`, `${stack}-web-1`]);
    expect(ids[`${stack}-db-1`]).toBe(firstIds[`${stack}-db-1`]);
    expect(ids[`${stack}-web-1`]).not.toBe(firstIds[`${stack}-web-1`]);
    expect((await httpGet(port))?.body).toBe('hello two\n');
    firstIds = ids;
  });

  it('replaces db start-first: the old db serves until the new one passed its check, web is left alone', async () => {
    dbName = 'app2';
    const watch = recordEvents(h.engine, stack);
    const result = await h.deploy(await h.load(dir, stack, env())).finally(() => watch.stop());
    expect(result.outcome).toBe('succeeded');
    const db = result.plan.services.find((s) => s.service === 'db');
    expect(result.plan.services.find((s) => s.service === 'web')?.steps).toEqual([]);
    expect(db?.steps[0]).toMatchObject({ kind: 'recreate', strategy: 'start-first' });
    expect(db?.steps[0]?.reasons).toContain('env DB_NAME changed: app → app2');

    const ids = await containerIds(h.engine, stack);
    expect(Object.keys(ids).sort()).toEqual([`${stack}-db-1`, `${stack}-web-1`]);
    expect(ids[`${stack}-web-1`]).toBe(firstIds[`${stack}-web-1`]);
    const oldDb = firstIds[`${stack}-db-1`] ?? '';
    const newDb = ids[`${stack}-db-1`] ?? '';
    expect(newDb).not.toBe(oldDb);

    const events = await watch.events;
    // The gate passes on a run of db's healthcheck that exits 0 (Berth's own, or Docker's).
    const healthy = events.find((e) => e.id === newDb && e.action === 'exec_die' && e.exitCode === 0);
    const stopped = events.find((e) => e.id === oldDb && ['kill', 'die', 'stop'].includes(e.action));
    expect(healthy, 'no check of the new db ever passed').toBeDefined();
    expect(stopped, 'the old db was never stopped').toBeDefined();
    expect(healthy?.time ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(stopped?.time ?? 0);

    // web reaches the new db under its service name.
    const probe = await h.engine.exec.run(
      ids[`${stack}-web-1`] ?? '',
      ['wget', '-q', '-O', '-', 'http://db:5432/'],
      {
        timeoutMs: 10_000,
      },
    );
    expect(probe.stdout).toBe('db app2 ready\n');
    firstIds = ids;
  });

  it('changes nothing when nothing changed', async () => {
    const result = await h.deploy(await h.load(dir, stack, env()));
    expect(result.outcome).toBe('unchanged');
    expect(result.deploymentId).toBeUndefined();
    expect(await containerIds(h.engine, stack)).toEqual(firstIds);
  });

  it('starts a stopped container again, as the same container', async () => {
    const db = firstIds[`${stack}-db-1`] ?? '';
    await h.engine.containers.stop(db, 5);
    const result = await h.deploy(await h.load(dir, stack, env()));
    expect(result.outcome).toBe('succeeded');
    const step = result.plan.services.find((s) => s.service === 'db')?.steps[0];
    expect(step).toMatchObject({ kind: 'start', reasons: ['container is exited'] });
    expect(await containerIds(h.engine, stack)).toEqual(firstIds);
    expect(await dockerHealth(h.engine, [db])).toEqual(['healthy']);
  });

  it('rolls the whole stack back when the new web never turns healthy', async () => {
    // db changes too (start-first, and it passes): the rollback must bring back the old db as well.
    dbName = 'app3';
    editCompose(
      dir,
      'wget -q -O /dev/null http://127.0.0.1:8080/ &&',
      'wget -q -O /dev/null http://127.0.0.1:8080/missing &&',
    );
    const result = await h.deploy(await h.load(dir, stack, env()));
    expect(result.outcome).toBe('rolled-back');
    expect(result.failure).toMatchObject({ service: 'web', reason: 'unhealthy' });
    expect(result.changedServices.sort()).toEqual(['db', 'web']);
    expect(result.rollbackProblem).toBeUndefined();

    // The old web answers again on its published port, as the same container, and so does the old db.
    expect(await httpGet(port)).toEqual({ status: 200, body: 'hello two\n' });
    expect(await containerIds(h.engine, stack)).toEqual(firstIds);
    for (const id of Object.values(firstIds))
      expect((await h.engine.containers.inspect(id)).state).toBe('running');
    expect(await dockerHealth(h.engine, Object.values(firstIds))).toEqual(['healthy', 'healthy']);
    const probe = await h.engine.exec.run(
      firstIds[`${stack}-web-1`] ?? '',
      ['wget', '-q', '-O', '-', 'http://db:5432/'],
      {
        timeoutMs: 10_000,
      },
    );
    expect(probe.stdout).toBe('db app2 ready\n');

    const deployment = h.store.deployments.get(result.deploymentId ?? 0);
    expect(deployment?.status).toBe('rolled-back');
    const results = h.store.deployments.serviceResults(result.deploymentId ?? 0);
    expect(results.find((r) => r.service === 'web')?.outcome).toBe('rolled-back');
    expect(results.find((r) => r.service === 'db')?.outcome).toBe('rolled-back');
  }, 90_000);
});
