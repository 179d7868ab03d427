import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareApiVersions, connectEngine, NEWEST_API_VERSION } from '../../../src/engine/index.js';
import { containerLabels, EngineError, ownedBy } from '../../../src/engine/model.js';
import { freePort, startRun, type TestRun } from './support.js';

let run: TestRun;
const cleanups: (() => void)[] = [];

beforeAll(async () => {
  run = await startRun();
});

afterAll(async () => {
  for (const cleanup of cleanups) cleanup();
  await run?.cleanup();
});

describe('connectEngine', () => {
  it('negotiates the API version: the server’s, capped at the newest known', async () => {
    const version = await run.engine.system.version();
    expect(version.serverVersion).not.toBe('');
    const expected =
      compareApiVersions(version.apiVersion, NEWEST_API_VERSION) > 0
        ? NEWEST_API_VERSION
        : version.apiVersion;
    expect(run.engine.apiVersion).toBe(expected);
    expect(run.engine.endpoint).toBe('unix:///var/run/docker.sock');
    await run.engine.system.ping();
  });

  it('accepts the default socket spelled out', async () => {
    const engine = await connectEngine({ host: 'unix:///var/run/docker.sock' });
    await engine.system.ping();
  });

  it('fails with ENGINE_UNAVAILABLE naming a missing socket, with a hint to start an engine', async () => {
    const err = await connectEngine({ host: 'unix:///nonexistent.sock' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
    expect((err as EngineError).message).toContain('unix:///nonexistent.sock');
    expect((err as EngineError).hint).toContain('scripts/docker-engine.sh');
    expect((err as EngineError).hint).toContain('DOCKER_HOST');
  });

  it('fails with ENGINE_UNAVAILABLE when nothing listens on a TCP address', async () => {
    const port = await freePort();
    const err = await connectEngine({ host: `tcp://127.0.0.1:${port}` }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
    expect((err as Error).message).toContain(`tcp://127.0.0.1:${port}`);
  });

  it('fails with ENGINE_UNAVAILABLE when the socket accepts but never answers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-test-engine-sock-'));
    const socket = join(dir, 'silent.sock');
    const server: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    cleanups.push(() => {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const err = await connectEngine({ host: `unix://${socket}`, timeoutMs: 300 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ENGINE_UNAVAILABLE' });
    expect((err as Error).message).toContain(socket);
    expect((err as Error).message).toContain('no answer within 300 ms');
  });
});

describe('compose compatibility of Berth labels', () => {
  it('docker-compose ps lists a container carrying containerLabels()', async () => {
    const project = `berthtestengine${run.id}`;
    const labels = {
      ...run.labels(),
      ...containerLabels({ stack: project, service: 'web', replica: 1, configHash: 'abc', role: 'current' }),
    };
    expect(ownedBy(labels, project)).toBe(true);
    const { id } = await run.engine.containers.create(run.spec('compose-web', { labels }));
    await run.engine.containers.start(id);

    const dir = mkdtempSync(join(tmpdir(), 'berth-test-engine-compose-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'compose.yaml'), 'services:\n  web:\n    image: local/busybox:1\n');
    const result = spawnSync('docker-compose', ['-p', project, '-f', 'compose.yaml', 'ps', '-q'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 25_000,
    });
    if (result.error)
      throw new Error(
        `could not run docker-compose (apt-get install docker-compose): ${result.error.message}`,
      );
    expect(result.stderr).not.toMatch(/Traceback|Error/);
    expect(result.stdout.trim()).toBe(id);
  });
});
