import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeployError } from '../../../src/deploy/errors.js';
import { freePort } from '../engine/support.js';
import {
  containerIds,
  type DeployHarness,
  dockerHealth,
  editCompose,
  httpGet,
  repoRoot,
  startHarness,
} from './support.js';

// One deployment at a time per stack, and what happens when the process running one dies.

let h: DeployHarness;
const children: ChildProcess[] = [];

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await h?.cleanup();
});

/** The pid of a process that has exited (and was reaped), so nothing runs under it. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await once(child, 'exit');
  if (child.pid === undefined) throw new Error('no pid');
  return child.pid;
}

describe.concurrent('stack locks', () => {
  it('refuses a second deployment while one holds the lock, naming it', async () => {
    const stack = h.stackName();
    const loaded = await h.load(h.copyExample('good'), stack, { PORT: String(await freePort()) });
    const running = h.store.deployments.create({ stack, trigger: 'cli', plan: {} });
    const holder = { pid: process.pid, host: hostname(), token: 'holder-token' };
    expect(h.store.locks.acquire(stack, { owner: holder, deploymentId: running.id }).ok).toBe(true);
    try {
      const error = await h.deploy(loaded).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(DeployError);
      expect((error as DeployError).code).toBe('DEPLOY_IN_PROGRESS');
      expect((error as DeployError).message).toContain(`deployment ${running.id} in progress`);
      expect(await containerIds(h.engine, stack)).toEqual({});
      expect(h.store.locks.holder(stack)?.owner.token).toBe('holder-token');
      expect(h.store.deployments.get(running.id)?.status).toBe('running');
    } finally {
      h.store.locks.release(stack, holder.token);
      h.store.deployments.finish(running.id, 'failed', 'test holder');
    }
  });

  it('takes over a lock whose holder died, and marks its deployment interrupted', async () => {
    const stack = h.stackName();
    const loaded = await h.load(h.copyExample('good'), stack, { PORT: String(await freePort()) });
    const stale = h.store.deployments.create({ stack, trigger: 'cli', plan: {} });
    const dead = { pid: await deadPid(), host: hostname(), token: 'dead-token' };
    expect(h.store.locks.acquire(stack, { owner: dead, deploymentId: stale.id }).ok).toBe(true);

    const result = await h.deploy(loaded);
    expect(result.outcome).toBe('succeeded');
    expect(h.store.deployments.get(stale.id)?.status).toBe('interrupted');
    expect(h.store.deployments.get(result.deploymentId ?? 0)?.status).toBe('succeeded');
    expect(h.store.locks.holder(stack)).toBeUndefined();
  });

  it('converges after the deploying process is killed with SIGKILL mid-rollout', async () => {
    const stack = h.stackName();
    const dir = h.copyExample('good');
    const port = String(await freePort());
    const first = await h.deploy(await h.load(dir, stack, { PORT: port, MESSAGE: 'before' }));
    expect(first.outcome).toBe('succeeded');
    const before = await containerIds(h.engine, stack);

    // The new web serves (and so turns healthy) only after 5s: time to kill the deploy mid-gate.
    editCompose(
      dir,
      'echo \\"$$MESSAGE\\" > /www/index.html',
      'sleep 5 && echo \\"$$MESSAGE\\" > /www/index.html',
    );
    editCompose(dir, 'http://db:5432/"]\n', 'http://db:5432/"]\n      start_period: 30s\n');
    const env = { PORT: port, MESSAGE: 'after' };
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(repoRoot, 'test/integration/deploy/deploy-child.ts'),
        JSON.stringify({ dir, stack, env, statePath: h.statePath }),
      ],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = once(child, 'exit');

    // Wait until the child has parked the old web and created the new one.
    const web = `${stack}-web-1`;
    let midway = false;
    for (let i = 0; i < 300 && !midway && child.exitCode === null; i++) {
      const ids = await containerIds(h.engine, stack);
      midway = ids[web] !== undefined && ids[web] !== before[web];
      if (!midway) await delay(100);
    }
    expect(midway, `the child never created the new web:\n${output}`).toBe(true);
    child.kill('SIGKILL');
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');
    expect(output).not.toContain('"outcome"');

    const killedRun = h.store.deployments.list(stack, { limit: 10 }).items[0];
    expect(killedRun?.status).toBe('running');
    const leftovers = Object.keys(await containerIds(h.engine, stack));
    expect(leftovers.some((name) => name.includes('-berth-prev-'))).toBe(true);

    const result = await h.deploy(await h.load(dir, stack, env));
    expect(result.outcome).toBe('succeeded');
    expect(h.store.deployments.get(killedRun?.id ?? 0)?.status).toBe('interrupted');
    const after = await containerIds(h.engine, stack);
    expect(Object.keys(after).sort()).toEqual([`${stack}-db-1`, web]);
    for (const id of Object.values(after))
      expect((await h.engine.containers.inspect(id)).state).toBe('running');
    expect(await dockerHealth(h.engine, Object.values(after))).toEqual(['healthy', 'healthy']);
    expect(await httpGet(Number(port))).toEqual({ status: 200, body: 'after\n' });
    expect(h.store.locks.holder(stack)).toBeUndefined();

    // And it has converged: one more deploy changes nothing.
    expect((await h.deploy(await h.load(dir, stack, env))).outcome).toBe('unchanged');
  }, 120_000);
});
