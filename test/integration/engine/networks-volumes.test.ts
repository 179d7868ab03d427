import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, startRun, type TestRun, waitFor } from './support.js';

let run: TestRun;

beforeAll(async () => {
  run = await startRun();
});

afterAll(async () => {
  await run?.cleanup();
});

describe('networks', () => {
  it('creates a labelled network, lists and inspects it', async () => {
    const name = run.name('net-list');
    const { id } = await run.engine.networks.create({
      name,
      labels: run.labels({ 'dev.berth.stack': 'demo' }),
      ipam: [{ subnet: '10.231.7.0/24', gateway: '10.231.7.1' }],
    });
    const listed = await run.engine.networks.list({
      'dev.berth.test-run': run.id,
      'dev.berth.stack': 'demo',
    });
    expect(listed.map((n) => n.id)).toEqual([id]);
    const info = await run.engine.networks.inspect(name);
    expect(info).toMatchObject({ id, name, driver: 'bridge', internal: false });
    expect(info.labels['dev.berth.stack']).toBe('demo');
    expect(info.ipam).toEqual([{ subnet: '10.231.7.0/24', gateway: '10.231.7.1' }]);
    // A second network with the same name is refused, also on engines that would otherwise allow it.
    await expect(run.engine.networks.create({ name, labels: run.labels() })).rejects.toMatchObject({
      code: 'ENGINE_CONFLICT',
    });
    await run.engine.networks.remove(id);
    await expect(run.engine.networks.inspect(id)).rejects.toMatchObject({ code: 'ENGINE_NOT_FOUND' });
  });

  it('connects a container with an alias that another container resolves', async () => {
    const { engine } = run;
    const network = run.name('net-alias');
    await engine.networks.create({ name: network, labels: run.labels() });
    const server = await engine.containers.create(
      run.spec('alias-server', {
        command: ['sh', '-c', 'echo served-by-alias > /tmp/index.html && exec httpd -f -p 8080 -h /tmp'],
      }),
    );
    // Attached after create: the default bridge first, then our network with an alias.
    await engine.networks.connect(network, server.id, { aliases: ['berth-alias'] });
    await engine.containers.start(server.id);
    const client = await engine.containers.create(
      run.spec('alias-client', { networks: [{ name: network, aliases: [] }] }),
    );
    await engine.containers.start(client.id);

    const serverInfo = await engine.containers.inspect(server.id);
    expect(serverInfo.networks[network]?.aliases).toEqual(['berth-alias']);
    const fetched = await waitFor('the alias to answer', async () => {
      const result = await engine.exec.run(client.id, [
        'wget',
        '-q',
        '-O',
        '-',
        'http://berth-alias:8080/index.html',
      ]);
      return result.exitCode === 0 ? result.stdout : undefined;
    });
    expect(fetched).toBe('served-by-alias\n');

    const attached = await engine.networks.inspect(network);
    expect(Object.keys(attached.containers).sort()).toEqual([server.id, client.id].sort());

    await engine.networks.disconnect(network, server.id, { force: true });
    expect(Object.keys((await engine.containers.inspect(server.id)).networks)).not.toContain(network);
  });

  it('attaches every network of the spec before start (one at create, the rest connected)', async () => {
    const { engine } = run;
    const first = run.name('net-first');
    const second = run.name('net-second');
    await engine.networks.create({ name: first, labels: run.labels() });
    await engine.networks.create({ name: second, labels: run.labels() });
    const { id } = await engine.containers.create(
      run.spec('multi', {
        networks: [
          { name: first, aliases: ['one'] },
          { name: second, aliases: ['two', 'deux'] },
        ],
      }),
    );
    const created = await engine.containers.inspect(id);
    expect(created.networkMode).toBe(first);
    expect(Object.keys(created.networks).sort()).toEqual([first, second].sort());
    expect(created.networks[first]?.aliases).toEqual(['one']);
    expect(created.networks[second]?.aliases).toEqual(['two', 'deux']);
    await engine.containers.start(id);
    const started = await engine.containers.inspect(id);
    expect(started.networks[first]?.ipAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(started.networks[second]?.ipAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it('removes the half-made container when a later network cannot be attached', async () => {
    const { engine } = run;
    const first = run.name('net-ok');
    const second = run.name('net-nosubnet');
    await engine.networks.create({ name: first, labels: run.labels() });
    await engine.networks.create({ name: second, labels: run.labels() });
    const spec = run.spec('half', {
      networks: [
        { name: first, aliases: [] },
        // A fixed address needs a network with a configured subnet: the engine refuses the attach.
        { name: second, aliases: [], ipv4Address: '10.231.9.9' },
      ],
    });
    const err = await engine.containers.create(spec).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ENGINE_BAD_REQUEST', status: 400 });
    expect((err as Error).message).toContain('user configured subnets');
    await expect(engine.containers.inspect(spec.name)).rejects.toMatchObject({ code: 'ENGINE_NOT_FOUND' });
  });

  it('reports a missing network as ENGINE_NOT_FOUND, at connect or (API 1.41) only at start', async () => {
    const { engine } = run;
    const missing = run.name('net-absent');
    const { id } = await engine.containers.create(run.spec('late-fail'));
    // 20.10 records the attachment of a created container without checking the network exists.
    const connectError = await engine.networks.connect(missing, id).then(
      () => undefined,
      (e: unknown) => e,
    );
    const err = connectError ?? (await engine.containers.start(id).catch((e: unknown) => e));
    expect(err).toMatchObject({ code: 'ENGINE_NOT_FOUND' });
    expect((err as Error).message).toContain(missing);
  });
});

describe('volumes', () => {
  it('creates a labelled volume whose data survives the container', async () => {
    const { engine } = run;
    const name = run.name('data');
    const created = await engine.volumes.create({ name, labels: run.labels({ 'dev.berth.stack': 'demo' }) });
    expect(created).toMatchObject({ name, driver: 'local' });
    expect(created.labels['dev.berth.stack']).toBe('demo');
    expect((await engine.volumes.list({ 'dev.berth.test-run': run.id })).map((v) => v.name)).toContain(name);

    const mount = { type: 'volume' as const, source: name, target: '/data', readOnly: false };
    const writer = await engine.containers.create(
      run.spec('writer', { command: ['sh', '-c', 'echo persisted > /data/file'], mounts: [mount] }),
    );
    await engine.containers.start(writer.id);
    expect((await engine.containers.wait(writer.id)).exitCode).toBe(0);
    expect((await engine.containers.inspect(writer.id)).mounts).toContainEqual({
      type: 'volume',
      name,
      source: expect.stringContaining(name),
      target: '/data',
      readOnly: false,
    });
    await engine.containers.remove(writer.id);

    const reader = await engine.containers.create(
      run.spec('reader', { command: ['cat', '/data/file'], mounts: [{ ...mount, readOnly: true }] }),
    );
    await engine.containers.start(reader.id);
    expect((await engine.containers.wait(reader.id)).exitCode).toBe(0);
    expect(await collect(engine.logs.logs(reader.id))).toEqual([{ stream: 'stdout', line: 'persisted' }]);

    // In use: the engine refuses, and says so.
    await expect(engine.volumes.remove(name)).rejects.toMatchObject({ code: 'ENGINE_CONFLICT' });
    await engine.containers.remove(reader.id);
    await engine.volumes.remove(name);
    await expect(engine.volumes.inspect(name)).rejects.toMatchObject({ code: 'ENGINE_NOT_FOUND' });
  });
});
