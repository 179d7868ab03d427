import { describe, expect, it } from 'vitest';
import type { DeployEvent } from '../../../src/deploy/events.js';
import { BerthLabel } from '../../../src/engine/model.js';
import { containerIds, type DeployHarness, recordEvents, SLEEPER, useHarness } from './support.js';

// Ready-driven gates against the real engine: Berth runs each service's healthcheck itself from the
// moment its container starts, so a dependent starts when its dependency's check first passes, not
// after Docker's first scheduled check (one `interval` later). A check that never passes still
// fails the deploy and rolls the whole stack back; a service without a healthcheck keeps the
// stable window.

let h: DeployHarness;
useHarness((started) => {
  h = started;
});

async function startedAt(stack: string, service: string): Promise<number> {
  const id = (await containerIds(h.engine, stack))[`${stack}-${service}-1`] ?? '';
  const info = await h.engine.containers.inspect(id);
  return Date.parse(info.startedAt ?? '');
}

describe('ready-driven gates', () => {
  it('starts a dependent as soon as its dependency’s check passes, long before Docker’s first check', async () => {
    // Docker would first run db's check 30 s after it starts; it passes at once.
    const stack = h.stackName();
    const dir = h.writeStack(`x-berth:
  deploy: { health_timeout: 60s, stable_window: 1s }
services:
  db:
    image: local/busybox:1
    command: ${SLEEPER}
    healthcheck: { test: ["CMD", "true"], interval: 30s, timeout: 5s, retries: 3 }
  api:
    image: local/busybox:1
    command: ${SLEEPER}
    depends_on: { db: { condition: service_healthy } }
    healthcheck: { test: ["CMD-SHELL", "test -d /proc/1"], interval: 30s, timeout: 5s, retries: 3 }
  web:
    image: local/busybox:1
    command: ${SLEEPER}
    environment: { REV: "\${REV:-0}" }
    depends_on: { api: { condition: service_healthy } }
    healthcheck: { test: ["CMD", "true"], interval: 30s, timeout: 5s, retries: 3 }
`);
    const events: DeployEvent[] = [];
    const result = await h.deploy(await h.load(dir, stack), { events });
    expect(result.outcome).toBe('succeeded');

    const db = await startedAt(stack, 'db');
    const api = await startedAt(stack, 'api');
    const web = await startedAt(stack, 'web');
    // Dependency order holds, and each dependent started before Docker's first check of its dependency.
    expect(api).toBeGreaterThanOrEqual(db);
    expect(web).toBeGreaterThanOrEqual(api);
    expect(api).toBeLessThan(db + 30_000);
    expect(web).toBeLessThan(api + 30_000);

    // The gates passed on Berth's runs while Docker had not checked yet, and said so.
    const passed = events.filter((e) => e.type === 'gate' && e.message.startsWith('passed:'));
    expect(passed.map((e) => e.service)).toEqual(['db', 'api', 'web']);
    for (const e of passed) expect(e.message).toContain('(Docker: starting)');
    const ids = Object.values(await containerIds(h.engine, stack));
    for (const id of ids) expect((await h.engine.containers.inspect(id)).health?.status).toBe('starting');
    expect(events.filter((e) => e.type === 'wait').map((e) => [e.service, e.message])).toEqual([
      ['api', 'waiting for db (service_healthy)'],
      ['web', 'waiting for api (service_healthy)'],
    ]);

    // Only web changes: api is left alone and Docker has still not checked it, so web's wait takes
    // api's pass from the first deploy (well within Docker's 30 s interval) rather than waiting for
    // Docker's status.
    const again = await h.deploy(await h.load(dir, stack, { REV: '1' }));
    expect(again.outcome).toBe('succeeded');
    expect(again.changedServices).toEqual(['web']);
    const apiId = (await containerIds(h.engine, stack))[`${stack}-api-1`] ?? '';
    expect((await h.engine.containers.inspect(apiId)).health?.status).toBe('starting');
    const webAgain = await startedAt(stack, 'web');
    expect(webAgain).toBeGreaterThan(web);
    expect(webAgain).toBeLessThan(api + 30_000);
  }, 60_000);

  it('takes an unchanged dependency’s recent gate pass without running its check, until it restarts', async () => {
    // db's check passes only until its file is removed; Docker would first run it an hour after
    // the start. The file is created on the first start only, so a restart does not bring it back.
    const stack = h.stackName();
    const dir = h.writeStack(`x-berth:
  deploy: { health_timeout: 3s, stable_window: 1s }
services:
  db:
    image: local/busybox:1
    command: ["sh", "-c", "trap 'exit 0' TERM; [ -f /tmp/once ] || touch /tmp/ready /tmp/once; while :; do sleep 1 & wait; done"]
    healthcheck: { test: ["CMD", "test", "-f", "/tmp/ready"], interval: 1h, timeout: 5s, retries: 3 }
  web:
    image: local/busybox:1
    command: ${SLEEPER}
    environment: { REV: "\${REV:-0}" }
    depends_on: { db: { condition: service_healthy } }
`);
    expect((await h.deploy(await h.load(dir, stack))).outcome).toBe('succeeded');
    const dbId = (await containerIds(h.engine, stack))[`${stack}-db-1`] ?? '';
    const record = h.store.appliedSpecs.get(stack, 'db', 1);
    expect(record?.containerId).toBe(dbId);
    const readyAt = (record?.spec as { readyAt?: unknown } | undefined)?.readyAt;
    expect(typeof readyAt).toBe('number');

    // The check fails from now on, and Docker has not noticed (it has not run it).
    expect((await h.engine.exec.run(dbId, ['rm', '/tmp/ready'])).exitCode).toBe(0);
    expect((await h.engine.exec.run(dbId, ['test', '-f', '/tmp/ready'])).exitCode).toBe(1);
    const watch = recordEvents(h.engine, stack);
    const from = Date.now();
    const again = await h.deploy(await h.load(dir, stack, { REV: '1' })).finally(() => watch.stop());
    expect(again.outcome).toBe('succeeded');
    expect(again.changedServices).toEqual(['web']);
    const checks = (await watch.events).filter(
      (e) => e.id === dbId && e.action === 'exec_start' && e.actionDetail === 'test -f /tmp/ready',
    );
    expect(checks.filter((e) => e.time >= from)).toEqual([]);
    expect((await h.engine.containers.inspect(dbId)).health?.status).toBe('starting');
    // The record kept db's pass: the deploy left db alone.
    expect(h.store.appliedSpecs.get(stack, 'db', 1)?.spec).toMatchObject({
      readyAt,
    });

    // Restarted, db is a new run of the container: the old pass no longer counts, its check runs
    // again, fails, and web is not replaced.
    await h.engine.containers.stop(dbId, 5);
    await h.engine.containers.start(dbId);
    const third = await h.deploy(await h.load(dir, stack, { REV: '2' }));
    expect(third.outcome).toBe('rolled-back');
    expect(third.failure).toMatchObject({ service: 'web', reason: 'dependency' });
    expect(third.failure?.detail).toContain('db:');
    expect(third.changedServices).toEqual([]);
    // web's new container, created while db was checked, went with the failure.
    expect(Object.keys(await containerIds(h.engine, stack)).sort()).toEqual([
      `${stack}-db-1`,
      `${stack}-web-1`,
    ]);
  }, 60_000);

  it('fails a check that never passes at its deadline and rolls the whole stack back', async () => {
    const stack = h.stackName();
    const compose = (check: string) => `x-berth:
  deploy: { health_timeout: 4s, stable_window: 1s }
services:
  db:
    image: local/busybox:1
    command: ${SLEEPER}
    environment: { VERSION: "${check === 'true' ? 'one' : 'two'}" }
    healthcheck: { test: ["CMD", "true"], interval: 30s, timeout: 5s, retries: 3 }
  web:
    image: local/busybox:1
    command: ${SLEEPER}
    depends_on: { db: { condition: service_healthy } }
    healthcheck: { test: ["CMD-SHELL", "${check}"], interval: 30s, timeout: 5s, retries: 3 }
`;
    const dir = h.writeStack(compose('true'));
    expect((await h.deploy(await h.load(dir, stack))).outcome).toBe('succeeded');
    const before = await containerIds(h.engine, stack);

    // Both change; web's check now fails forever (Docker would not even have run it once in 4 s).
    const broken = h.writeStack(compose('echo not ready; exit 1'));
    const events: DeployEvent[] = [];
    const result = await h.deploy(await h.load(broken, stack), { events });
    expect(result.outcome).toBe('rolled-back');
    expect(result.failure).toMatchObject({ service: 'web', reason: 'timeout' });
    expect(result.failure?.detail).toContain('not healthy after 4s');
    // What the check printed is the health output (operators), never the detail (every role).
    expect(result.failure?.detail).not.toContain('not ready');
    expect(result.failure?.healthOutput).toContain('not ready');
    expect(result.changedServices.sort()).toEqual(['db', 'web']);
    expect(result.rollbackProblem).toBeUndefined();
    // The previous db and web run again, as the same containers; nothing of the new set is left.
    expect(await containerIds(h.engine, stack)).toEqual(before);
    for (const id of Object.values(before))
      expect((await h.engine.containers.inspect(id)).state).toBe('running');
    const progress = events.filter((e) => e.type === 'gate' && e.service === 'web').map((e) => e.message);
    expect(progress.some((m) => m.includes("Berth's check: exit 1"))).toBe(true);
    expect(progress.some((m) => m.includes('not ready'))).toBe(false);
  }, 60_000);

  it('keeps the stable window for a service without a healthcheck, and starts its dependent after it', async () => {
    const stack = h.stackName();
    const dir = h.writeStack(`x-berth:
  deploy: { health_timeout: 30s, stable_window: 3s }
services:
  queue:
    image: local/busybox:1
    command: ${SLEEPER}
  worker:
    image: local/busybox:1
    command: ${SLEEPER}
    depends_on: { queue: { condition: service_started } }
    healthcheck: { test: ["CMD", "true"], interval: 30s, timeout: 5s, retries: 3 }
  report:
    image: local/busybox:1
    command: ${SLEEPER}
    links: [queue]
`);
    const events: DeployEvent[] = [];
    const result = await h.deploy(await h.load(dir, stack), { events });
    expect(result.outcome).toBe('succeeded');
    const queuePass = events.find(
      (e) => e.type === 'gate' && e.service === 'queue' && e.message.startsWith('passed:'),
    );
    expect(queuePass?.message).toMatch(/^passed: running for [34]s without restarting$/);

    const queue = await startedAt(stack, 'queue');
    const worker = await startedAt(stack, 'worker');
    const report = await startedAt(stack, 'report');
    // service_started: the worker starts once queue's container runs, within its stable window;
    // a link waits for queue to pass its gate (the stable window) first.
    expect(worker).toBeGreaterThanOrEqual(queue);
    expect(worker).toBeLessThan(queue + 3000);
    expect(report).toBeGreaterThanOrEqual(queue + 3000);
    const list = await h.engine.containers.list({ [BerthLabel.Stack]: stack }, { all: true });
    expect(list.map((c) => c.state)).toEqual(['running', 'running', 'running']);
  }, 60_000);
});
