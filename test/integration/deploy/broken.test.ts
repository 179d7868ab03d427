import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { planDeploy } from '../../../src/deploy/deploy.js';
import { DeployError } from '../../../src/deploy/errors.js';
import type { DeployEvent } from '../../../src/deploy/events.js';
import { BerthLabel } from '../../../src/engine/model.js';
import { SPEC_DEFAULTS } from '../../../src/engine/spec-defaults.js';
import { BUSYBOX, freePort } from '../engine/support.js';
import { containerIds, type DeployHarness, useHarness } from './support.js';

// The unhappy paths of examples/broken, each on its own stack, so they run side by side.

let h: DeployHarness;
useHarness((started) => {
  h = started;
});

async function refusal(work: Promise<unknown>): Promise<DeployError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeployError);
  return error as DeployError;
}

async function running(stack: string): Promise<string[]> {
  const list = await h.engine.containers.list({ [BerthLabel.Stack]: stack }, { all: false });
  return list.map((c) => c.name);
}

describe.concurrent('deploying broken stacks', () => {
  it('crash-looping worker: fails with its log tail and exit code, and leaves nothing behind', async () => {
    const stack = h.stackName();
    const result = await h.deploy(await h.load(h.copyExample('crashloop-worker'), stack));
    expect(result.outcome).not.toBe('succeeded');
    const failure = result.failure;
    expect(failure?.service).toBe('worker');
    expect(failure?.reason).toBe('crash-loop');
    expect(failure?.logTail.join('\n')).toContain('BT-CRASHLOOP-MARK');
    expect(failure?.exitCode).toBe(1);

    const stored = h.store.deployments.serviceResults(result.deploymentId ?? 0);
    const worker = stored.find((r) => r.service === 'worker');
    expect(worker?.logTail?.join('\n')).toContain('BT-CRASHLOOP-MARK');
    expect(worker?.exitCode).toBe(1);
    expect(await containerIds(h.engine, stack)).toEqual({});
  });

  it('missing image: the plan refuses, naming the image, and nothing is created', async () => {
    const stack = h.stackName();
    const error = await refusal(h.deploy(await h.load(h.copyExample('missing-image'), stack)));
    expect(error.code).toBe('DEPLOY_PLAN_REFUSED');
    expect(error.message).toContain('local/does-not-exist:1');
    expect(await containerIds(h.engine, stack)).toEqual({});
    expect(await h.engine.networks.list({ [BerthLabel.Stack]: stack })).toEqual([]);
    expect(h.store.deployments.list(stack, { limit: 10 }).items).toEqual([]);
  });

  it('port already taken: fails with the engine reason, rolls back, nothing of the new set runs', async () => {
    const stack = h.stackName();
    const port = await freePort();
    const server = createServer((socket) => socket.end('taken\n'));
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    try {
      const result = await h.deploy(await h.load(h.copyExample('port-taken'), stack, { PORT: String(port) }));
      expect(result.outcome).toBe('rolled-back');
      const failure = result.failure;
      expect(`${failure?.reason}: ${failure?.detail}`).toMatch(
        /address already in use|port is already allocated/,
      );
      expect(failure?.detail).toContain(String(port));
      expect(await running(stack)).toEqual([]);
      expect(await containerIds(h.engine, stack)).toEqual({});
    } finally {
      server.close();
    }
  });

  it('unhealthy web on a first deploy: rolled back, with the health output, nothing left', async () => {
    const stack = h.stackName();
    const result = await h.deploy(await h.load(h.copyExample('unhealthy-web'), stack));
    expect(result.outcome).toBe('rolled-back');
    expect(result.failure).toMatchObject({ service: 'web', reason: 'unhealthy' });
    expect(result.failure?.healthOutput).toMatch(/404|Not Found/i);
    expect(await containerIds(h.engine, stack)).toEqual({});
  });

  it('foreign container under a Berth name: NAME_CLASH, and the foreign container is untouched', async () => {
    const stack = h.stackName();
    const dir = h.copyExample('good');
    const port = String(await freePort());
    const { id } = await h.engine.containers.create({
      name: `${stack}-web-1`,
      image: BUSYBOX,
      command: ['sleep', '300'],
      ...SPEC_DEFAULTS,
      networks: [],
      stopSignal: 'SIGKILL',
    });
    h.track(id);
    await h.engine.containers.start(id);

    const loaded = await h.load(dir, stack, { PORT: port });
    const { plan } = await planDeploy(h, loaded);
    expect(plan.problems.map((p) => p.code)).toContain('NAME_CLASH');
    expect(plan.problems.find((p) => p.code === 'NAME_CLASH')?.message).toContain(`${stack}-web-1`);

    const error = await refusal(h.deploy(loaded));
    expect(error.code).toBe('DEPLOY_PLAN_REFUSED');
    expect(error.message).toContain(`${stack}-web-1`);
    const foreign = await h.engine.containers.inspect(`${stack}-web-1`);
    expect(foreign.id).toBe(id);
    expect(foreign.state).toBe('running');
    expect(await containerIds(h.engine, stack)).toEqual({});
  });

  it('failing build: DEPLOY_BUILD_FAILED naming the step, its output in output events, nothing created', async () => {
    const stack = h.stackName();
    const events: DeployEvent[] = [];
    const error = await refusal(h.deploy(await h.load(h.copyExample('build-fails'), stack), { events }));
    expect(error.code).toBe('DEPLOY_BUILD_FAILED');
    // The engine's error names the failed step (the Dockerfile's command); what it printed is for
    // operators only, in output events, not in the error every role reads.
    expect(error.message).toContain("echo 'BT-BUILD-MARK");
    expect(error.hint).not.toContain('BT-BUILD-MARK');
    expect(
      events.filter((e) => e.type === 'output').some((e) => e.message.startsWith('BT-BUILD-MARK: this step')),
    ).toBe(true);
    expect(await containerIds(h.engine, stack)).toEqual({});
    const deployments = h.store.deployments.list(stack, { limit: 10 }).items;
    expect(deployments.map((d) => d.status)).toEqual(['failed']);
  });
});
