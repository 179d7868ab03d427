import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BuildEvent, EngineError } from '../../../src/engine/model.js';
import { collect, startRun, type TestRun } from './support.js';

let run: TestRun;
const dirs: string[] = [];

function context(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-test-engine-build-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

beforeAll(async () => {
  run = await startRun();
});

afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  await run?.cleanup();
});

describe('image build (legacy builder)', () => {
  it('builds from a context without its .dockerignored files, streams progress, labels the image', async () => {
    const dir = context({
      Dockerfile:
        'FROM local/busybox:1\nARG FLAVOUR=plain\nCOPY . /ctx/\nRUN echo "flavour=$FLAVOUR" > /flavour\n',
      '.dockerignore': '# secrets stay home\nsecret.txt\n*.log\nlogs\n!logs/keep.log\ncache/**\n',
      'app.txt': 'app',
      'secret.txt': 'do not send',
      'debug.log': 'ignored',
      'sub/nested.log': 'kept: *.log only matches at the root',
      'logs/drop.txt': 'ignored with its folder',
      'logs/keep.log': 'kept by the exception',
      'cache/a/b.bin': 'ignored',
    });
    const tag = `${run.name('build')}:1`;
    const events: BuildEvent[] = await collect(
      run.engine.images.build({
        contextDir: dir,
        tag,
        args: { FLAVOUR: 'spicy' },
        labels: run.labels({ 'dev.berth.stack': 'demo' }),
      }),
    );
    const logs = events.flatMap((e) => (e.type === 'log' ? [e.line] : []));
    expect(logs.some((line) => line.startsWith('Step 1/'))).toBe(true);
    expect(events.filter((e) => e.type === 'error')).toEqual([]);
    const done = events.at(-1);
    expect(done?.type).toBe('done');

    const image = await run.engine.images.inspect(tag);
    expect(done).toEqual({ type: 'done', imageId: image.id });
    expect(image.tags).toEqual([tag]);
    expect(image.labels['dev.berth.stack']).toBe('demo');
    expect(await run.engine.images.exists(tag)).toBe(true);
    expect((await run.engine.images.list({ 'dev.berth.test-run': run.id })).map((i) => i.id)).toContain(
      image.id,
    );

    const { id } = await run.engine.containers.create(
      run.spec('build-check', {
        image: tag,
        command: ['sh', '-c', 'cat /flavour; cd /ctx && find . -type f | sort'],
      }),
    );
    await run.engine.containers.start(id);
    await run.engine.containers.wait(id);
    const lines = (await collect(run.engine.logs.logs(id))).map((l) => l.line);
    expect(lines).toEqual([
      'flavour=spicy',
      './.dockerignore',
      './Dockerfile',
      './app.txt',
      './logs/keep.log',
      './sub/nested.log',
    ]);
  });

  it('fails with ENGINE_FAILED carrying the log tail when a step fails', async () => {
    const dir = context({ Dockerfile: 'FROM local/busybox:1\nRUN echo about-to-fail && false\n' });
    const tag = `${run.name('broken')}:1`;
    const events: BuildEvent[] = [];
    const err = await (async () => {
      for await (const event of run.engine.images.build({ contextDir: dir, tag, labels: run.labels() }))
        events.push(event);
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ code: 'ENGINE_FAILED', resource: `image ${tag}` });
    expect((err as EngineError).message).toContain('returned a non-zero code: 1');
    expect((err as EngineError).details).toContain('about-to-fail');
    expect(events.filter((e) => e.type === 'error')).toHaveLength(1);
    expect(await run.engine.images.exists(tag)).toBe(false);
  });

  it('builds for the platform asked, without the cache when told, and the inspection reports it', async () => {
    const own = process.arch === 'arm64' ? 'arm64' : 'amd64';
    const other = own === 'arm64' ? 'amd64' : 'arm64';
    const dir = context({ Dockerfile: 'FROM scratch\nCOPY app.txt /\n', 'app.txt': run.name('platform') });
    const tag = `${run.name('platform')}:1`;
    await collect(run.engine.images.build({ contextDir: dir, tag, labels: run.labels({}) }));
    expect(await run.engine.images.inspect(tag)).toMatchObject({ os: 'linux', architecture: own });
    // Without noCache the legacy builder reuses the COPY step built for `own` (FROM scratch has no parent).
    await collect(
      run.engine.images.build({
        contextDir: dir,
        tag,
        platform: `linux/${other}`,
        noCache: true,
        labels: run.labels({}),
      }),
    );
    expect(await run.engine.images.inspect(tag)).toMatchObject({ os: 'linux', architecture: other });
  });

  it('reports a missing Dockerfile as an engine error before any progress', async () => {
    const dir = context({ 'app.txt': 'no Dockerfile here' });
    const err = await collect(
      run.engine.images.build({ contextDir: dir, tag: `${run.name('nofile')}:1` }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).message).toMatch(/Dockerfile/);
  });

  it('stops a build when the signal aborts', async () => {
    const dir = context({ Dockerfile: 'FROM local/busybox:1\nRUN echo started && sleep 30\n' });
    const controller = new AbortController();
    const err = await (async () => {
      for await (const event of run.engine.images.build({
        contextDir: dir,
        tag: `${run.name('aborted')}:1`,
        labels: run.labels(),
        signal: controller.signal,
      })) {
        if (event.type === 'log' && event.line === 'started') controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AbortError' });
  });
});
