import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ContainerInfo, EngineError } from '../../../src/engine/model.js';
import { freePort, startRun, type TestRun, waitFor } from './support.js';

let run: TestRun;

beforeAll(async () => {
  run = await startRun();
});

afterAll(async () => {
  await run?.cleanup();
});

describe('container lifecycle against the real engine', () => {
  it('creates, starts, serves on a published port, turns healthy, stops and removes', async () => {
    const { engine } = run;
    const hostPort = await freePort();
    const spec = run.spec('web', {
      command: ['sh', '-c', 'echo "hello $GREETING" > /tmp/index.html && exec httpd -f -p 8080 -h /tmp'],
      env: { GREETING: 'berth' },
      labels: run.labels({ 'dev.berth.service': 'web' }),
      ports: [{ containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort }],
      healthcheck: { test: ['CMD', 'true'], intervalMs: 1000, timeoutMs: 1000, retries: 3 },
    });
    const { id } = await engine.containers.create(spec);
    expect(id).toMatch(/^[0-9a-f]{64}$/);

    const created = await engine.containers.inspect(id);
    expect(created.state).toBe('created');
    expect(created.name).toBe(spec.name);
    expect(created.startedAt).toBeNull();

    await engine.containers.start(id);
    // Starting a running container is a no-op, not an error.
    await engine.containers.start(spec.name);

    const healthy = await waitFor('healthy', async () => {
      const info = await engine.containers.inspect(id);
      return info.health?.status === 'healthy' ? info : undefined;
    });
    expect(healthy.state).toBe('running');
    expect(healthy.env).toContain('GREETING=berth');
    expect(healthy.labels['dev.berth.service']).toBe('web');
    expect(healthy.labels['dev.berth.test-run']).toBe(run.id);
    expect(healthy.ports).toContainEqual({
      containerPort: 8080,
      protocol: 'tcp',
      hostIp: '127.0.0.1',
      hostPort,
    });
    expect(healthy.health?.failingStreak).toBe(0);
    expect(healthy.health?.log.length).toBeGreaterThan(0);
    expect(healthy.health?.log[0]?.exitCode).toBe(0);
    expect(healthy.startedAt).not.toBeNull();

    const response = await fetch(`http://127.0.0.1:${hostPort}/index.html`);
    expect(await response.text()).toBe('hello berth\n');

    const listed = await engine.containers.list({ 'dev.berth.test-run': run.id, 'dev.berth.service': 'web' });
    expect(listed.map((c) => c.id)).toEqual([id]);
    expect(listed[0]?.health).toBe('healthy');
    expect(listed[0]?.name).toBe(spec.name);

    await engine.containers.stop(id, 1);
    // Stopping a stopped container is a no-op too.
    await engine.containers.stop(id, 1);
    const stopped = await engine.containers.inspect(id);
    expect(stopped.state).toBe('exited');
    expect(stopped.finishedAt).not.toBeNull();

    await engine.containers.remove(id);
    await expect(engine.containers.inspect(id)).rejects.toMatchObject({ code: 'ENGINE_NOT_FOUND' });
  });

  it('waits for exit, reports the exit code, renames and restarts', async () => {
    const { engine } = run;
    const { id } = await engine.containers.create(run.spec('exit', { command: ['sh', '-c', 'exit 7'] }));
    await engine.containers.start(id);
    const result = await engine.containers.wait(id);
    expect(result.exitCode).toBe(7);
    const info = await engine.containers.inspect(id);
    expect(info.state).toBe('exited');
    expect(info.exitCode).toBe(7);

    const renamed = run.name('exit-renamed');
    await engine.containers.rename(id, renamed);
    expect((await engine.containers.inspect(renamed)).id).toBe(id);

    await engine.containers.restart(renamed, 1);
    expect((await engine.containers.wait(id)).exitCode).toBe(7);
    expect((await engine.containers.inspect(id)).startedAt).not.toBe(info.startedAt);
  });

  it('kills with a signal and refuses to kill a stopped container', async () => {
    const { engine } = run;
    const { id } = await engine.containers.create(run.spec('kill'));
    await engine.containers.start(id);
    await engine.containers.kill(id, 'SIGKILL');
    expect((await engine.containers.wait(id)).exitCode).toBe(137);
    await expect(engine.containers.kill(id, 'SIGKILL')).rejects.toMatchObject({ code: 'ENGINE_CONFLICT' });
  });

  it('applies what the spec asks for: tmpfs, mounts, hostname, user, workdir, entrypoint, resources', async () => {
    const { engine } = run;
    const spec = run.spec('shape', {
      entrypoint: ['sh', '-c'],
      command: ['sleep 300'],
      hostname: 'shape-host',
      user: '1000:1000',
      workingDir: '/tmp',
      tmpfs: { '/scratch': 'size=1m' },
      mounts: [{ type: 'tmpfs', target: '/cache', readOnly: false, tmpfsSizeBytes: 1024 * 1024 }],
      resources: { memoryBytes: 64 * 1024 * 1024, pidsLimit: 64 },
      extraHosts: ['berth-extra:10.1.2.3'],
      restartPolicy: { name: 'on-failure', maximumRetryCount: 2 },
      init: true,
      readOnly: true,
    });
    const { id } = await engine.containers.create(spec);
    await engine.containers.start(id);
    const exec = (argv: string[]) => engine.exec.run(id, argv);
    expect((await exec(['hostname'])).stdout.trim()).toBe('shape-host');
    expect((await exec(['id', '-u'])).stdout.trim()).toBe('1000');
    expect((await exec(['pwd'])).stdout.trim()).toBe('/tmp');
    expect((await exec(['grep', 'berth-extra', '/etc/hosts'])).stdout).toContain('10.1.2.3');
    expect((await exec(['grep', ' /scratch ', '/proc/mounts'])).stdout).toContain('tmpfs');
    expect((await exec(['grep', ' /cache ', '/proc/mounts'])).stdout).toContain('tmpfs');
    // Read-only root file system: writing outside the tmpfs mounts fails.
    expect((await exec(['touch', '/etc/berth'])).exitCode).not.toBe(0);
    const info: ContainerInfo = await engine.containers.inspect(id);
    expect(info.mounts.map((m) => m.target)).toContain('/cache');
  });
});

describe('engine errors', () => {
  it('reports a missing container as ENGINE_NOT_FOUND with the engine message', async () => {
    const missing = run.name('missing');
    const err = await run.engine.containers.inspect(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ code: 'ENGINE_NOT_FOUND', status: 404, resource: `container ${missing}` });
    expect((err as EngineError).message).toContain(`No such container: ${missing}`);
  });

  it('reports a taken name as ENGINE_CONFLICT', async () => {
    const spec = run.spec('twice');
    await run.engine.containers.create(spec);
    const err = await run.engine.containers.create(spec).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ENGINE_CONFLICT', status: 409 });
    expect((err as EngineError).message).toContain('is already in use');
  });

  it('reports a missing image as ENGINE_NOT_FOUND', async () => {
    const err = await run.engine.containers
      .create(run.spec('noimage', { image: 'local/berth-test-engine-absent:1' }))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ENGINE_NOT_FOUND', status: 404 });
  });

  it('reports an invalid spec as ENGINE_BAD_REQUEST', async () => {
    const err = await run.engine.containers
      .create(run.spec('bad', { restartPolicy: { name: 'always', maximumRetryCount: 3 } }))
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ENGINE_BAD_REQUEST', status: 400 });
  });
});
