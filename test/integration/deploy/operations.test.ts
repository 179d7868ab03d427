import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execInService, listContainers, stackLogs } from '../../../src/deploy/containers.js';
import { planDeploy } from '../../../src/deploy/deploy.js';
import { downStack } from '../../../src/deploy/down.js';
import { restartStack } from '../../../src/deploy/restart.js';
import { BerthLabel } from '../../../src/engine/model.js';
import { freePort } from '../engine/support.js';
import {
  containerIds,
  type DeployHarness,
  dockerHealth,
  httpGet,
  recordEvents,
  startHarness,
} from './support.js';

// Day-2 operations on a deployed examples/broken/good: ps, exec, logs, restart, down.

let h: DeployHarness;
let dir: string;
let stack: string;
let port: number;
let ids: Record<string, string> = {};

beforeAll(async () => {
  h = await startHarness();
  dir = h.copyExample('good');
  stack = h.stackName();
  port = await freePort();
  const result = await h.deploy(await h.load(dir, stack, { PORT: String(port) }));
  if (result.outcome !== 'succeeded') throw new Error(`setup deploy ${result.outcome}`);
  ids = await containerIds(h.engine, stack);
});

afterAll(async () => {
  await h?.cleanup();
});

const deps = () => ({ engine: h.engine, store: h.store, clock: h.clock, owner: h.owner(), pollMs: 250 });

describe.sequential('operations on a deployed stack', () => {
  it('ps lists one row per replica with its health and published port', async () => {
    await dockerHealth(h.engine, Object.values(ids));
    const rows = await listContainers(h, stack);
    expect(rows.map((r) => [r.service, r.replica, r.state, r.health])).toEqual([
      ['db', 1, 'running', 'healthy'],
      ['web', 1, 'running', 'healthy'],
    ]);
    expect(rows.find((r) => r.service === 'web')?.ports).toEqual([`127.0.0.1:${port}->8080/tcp`]);
  });

  it('exec runs an argv in the service container', async () => {
    const result = await execInService(h.engine, stack, 'web', ['cat', '/www/index.html']);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'hello from web\n' });
    await expect(execInService(h.engine, stack, 'nope', ['true'])).rejects.toMatchObject({
      code: 'DEPLOY_SERVICE_NOT_FOUND',
      message: `${stack} has no container of a service nope`,
    });
  });

  it('logs reads the lines of the service containers', async () => {
    await execInService(h.engine, stack, 'db', ['sh', '-c', 'echo BT-LOG-MARK > /proc/1/fd/1']);
    const lines: string[] = [];
    for await (const line of stackLogs(h.engine, stack, { service: 'db' })) lines.push(line.line);
    expect(lines).toContain('BT-LOG-MARK');
  });

  it('restart of db stops its dependent web first and brings both back, same containers', async () => {
    const loaded = await h.load(dir, stack, { PORT: String(port) });
    const { desired } = await planDeploy(h, loaded);
    const watch = recordEvents(h.engine, stack);
    await restartStack(deps(), loaded, desired, 'db').finally(() => watch.stop());
    const events = await watch.events;
    const webDie = events.find((e) => e.id === ids[`${stack}-web-1`] && e.action === 'die');
    const dbDie = events.find((e) => e.id === ids[`${stack}-db-1`] && e.action === 'die');
    expect(webDie, 'web was not stopped').toBeDefined();
    expect(dbDie, 'db was not restarted').toBeDefined();
    expect(webDie?.time ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(dbDie?.time ?? 0);
    expect(await containerIds(h.engine, stack)).toEqual(ids);
    expect(await dockerHealth(h.engine, Object.values(ids))).toEqual(['healthy', 'healthy']);
    expect((await listContainers(h, stack)).map((r) => r.health)).toEqual(['healthy', 'healthy']);
    expect(await httpGet(port)).toEqual({ status: 200, body: 'hello from web\n' });
  });

  it('down removes the containers and network (volumes when asked), and a deploy starts afresh', async () => {
    const removed = await downStack(deps(), stack, { volumes: true });
    expect(removed.containers.sort()).toEqual([`${stack}-db-1`, `${stack}-web-1`]);
    expect(removed.networks).toEqual([`${stack}_default`]);
    expect(await containerIds(h.engine, stack)).toEqual({});
    expect(await h.engine.networks.list({ [BerthLabel.Stack]: stack })).toEqual([]);
    expect(h.store.appliedSpecs.list(stack)).toEqual([]);

    const again = await h.deploy(await h.load(dir, stack, { PORT: String(port) }));
    expect(again.outcome).toBe('succeeded');
    expect(again.plan.services.flatMap((s) => s.steps.map((step) => step.kind))).toEqual([
      'create',
      'create',
    ]);
  });
});
