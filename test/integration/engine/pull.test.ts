import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineError, type PullEvent } from '../../../src/engine/model.js';
import { startRegistry, type TestRegistry } from '../../support/registry.js';
import { BUSYBOX, collect, freePort, startRun, type TestRun } from './support.js';

// Pulls against a real registry (Debian's docker-registry on 127.0.0.1) and the real engine. The
// source image's layers are already in the engine, so a pull moves manifests only: fast.

let run: TestRun;
let open: TestRegistry;
let secured: TestRegistry;
const CREDENTIALS = { username: 'pe-user', password: 'pe-secret-42' };
/** Every reference a test may have left in the engine; removed at the end. */
const pulled = new Set<string>();
const dirs: string[] = [];

beforeAll(async () => {
  run = await startRun();
  open = await startRegistry();
  secured = await startRegistry({ auth: CREDENTIALS });
});

afterAll(async () => {
  for (const reference of pulled) {
    await run.engine.images.remove(reference, { noPrune: true }).catch((err: unknown) => {
      if (!(err instanceof EngineError && err.code === 'ENGINE_NOT_FOUND')) throw err;
    });
  }
  await open?.stop();
  await secured?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  await run?.cleanup();
});

async function pushed(
  registry: TestRegistry,
  repository: string,
  tag: string,
  source = BUSYBOX,
): Promise<string> {
  const reference = await registry.push(source, repository, tag);
  pulled.add(reference);
  return reference;
}

function lines(events: readonly PullEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'progress' ? [e.line] : []));
}

async function failure(iterable: AsyncIterable<PullEvent>): Promise<EngineError> {
  const err = await collect(iterable).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EngineError);
  return err as EngineError;
}

describe('image pull', () => {
  it('pulls a pushed image: progress, then done with the id of the image now present', async () => {
    const reference = await pushed(open, 'pe-busybox', 'one');
    expect(await run.engine.images.exists(reference)).toBe(false);

    const events = await collect(run.engine.images.pull({ reference }));
    expect(lines(events)).toContain('one: Pulling from pe-busybox');
    expect(lines(events).some((line) => line.startsWith('Status: Downloaded newer image for'))).toBe(true);
    const done = events.at(-1);
    const image = await run.engine.images.inspect(reference);
    expect(done).toEqual({ type: 'done', imageId: image.id });
    expect(image.id).toBe((await run.engine.images.inspect(BUSYBOX)).id);
  });

  it('pulls only :latest for a reference without a tag (the engine alone would pull every tag)', async () => {
    const latest = await pushed(open, 'pe-busybox-tags', 'latest');
    const other = await pushed(open, 'pe-busybox-tags', 'other');
    const events = await collect(run.engine.images.pull({ reference: `${open.host}/pe-busybox-tags` }));
    expect(events.at(-1)?.type).toBe('done');
    expect(await run.engine.images.exists(latest)).toBe(true);
    expect(await run.engine.images.exists(other)).toBe(false);
  });

  it('pulls by digest, and by tag@digest', async () => {
    await pushed(open, 'pe-busybox-digest', 'd1');
    const manifest = await fetch(`http://${open.host}/v2/pe-busybox-digest/manifests/d1`, {
      headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
    });
    const digest = manifest.headers.get('docker-content-digest');
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    const byDigest = `${open.host}/pe-busybox-digest@${digest}`;
    pulled.add(byDigest);
    const events = await collect(run.engine.images.pull({ reference: byDigest }));
    const image = await run.engine.images.inspect(byDigest);
    expect(events.at(-1)).toEqual({ type: 'done', imageId: image.id });
    expect(image.digests).toContain(byDigest);

    const both = await collect(
      run.engine.images.pull({ reference: `${open.host}/pe-busybox-digest:d1@${digest}` }),
    );
    expect(both.at(-1)).toEqual({ type: 'done', imageId: image.id });
  });

  it('fails for a missing tag with an EngineError naming the reference', async () => {
    await pushed(open, 'pe-busybox-missing', 'here');
    const reference = `${open.host}/pe-busybox-missing:not-there`;
    const err = await failure(run.engine.images.pull({ reference }));
    expect(err.code).toBe('ENGINE_NOT_FOUND');
    expect(err.message).toContain(`pull of ${reference} failed: the registry has no such image`);
    expect(err.message).toContain('manifest unknown');
    expect(err.hint).toContain('check the image name and tag');
    expect(await run.engine.images.exists(reference)).toBe(false);
  });

  it('says the registry is unreachable when nobody listens', async () => {
    const reference = `127.0.0.1:${await freePort()}/pe-busybox:1`;
    const err = await failure(run.engine.images.pull({ reference }));
    expect(err.code).toBe('ENGINE_FAILED');
    expect(err.message).toContain(
      `pull of ${reference} failed: the registry is unreachable from the Docker host`,
    );
    expect(err.message).toContain('connection refused');
  });

  it('reports an error that arrives inside the stream (a layer the registry lost)', async () => {
    // An image whose layer the engine lacks, so the pull has to download it.
    const dir = mkdtempSync(join(tmpdir(), 'berth-test-engine-pull-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${BUSYBOX}\nRUN echo ${run.id}-${Date.now()} > /unique\n`);
    const built = `${run.name('pull-src')}:1`;
    await collect(run.engine.images.build({ contextDir: dir, tag: built, labels: run.labels() }));
    const reference = await pushed(open, 'pe-busybox-broken', 'b1', built);
    await run.engine.images.remove(built, { force: true });

    const manifest = (await (
      await fetch(`http://${open.host}/v2/pe-busybox-broken/manifests/b1`, {
        headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' },
      })
    ).json()) as { layers: { digest: string }[] };
    const top = manifest.layers.at(-1)?.digest;
    const deleted = await fetch(`http://${open.host}/v2/pe-busybox-broken/blobs/${top}`, {
      method: 'DELETE',
    });
    expect(deleted.status).toBe(202);

    const events: PullEvent[] = [];
    const err = await failure(
      (async function* () {
        for await (const event of run.engine.images.pull({ reference })) {
          events.push(event);
          yield event;
        }
      })(),
    );
    // The engine had answered 200 and started: the failure is a line of the stream.
    expect(lines(events)).toContain('b1: Pulling from pe-busybox-broken');
    expect(err.code).toBe('ENGINE_FAILED');
    expect(err.message).toContain(`pull of ${reference} failed:`);
    expect(err.details).toContain('b1: Pulling from pe-busybox-broken');
    expect(await run.engine.images.exists(reference)).toBe(false);
  });
});

describe('image pull from a registry with auth', () => {
  it('fails without credentials, and with wrong ones, saying access was denied', async () => {
    const reference = await pushed(secured, 'pe-busybox-private', 'p1');
    const anonymous = await failure(run.engine.images.pull({ reference }));
    expect(anonymous.message).toContain(`pull of ${reference} failed: the registry denied access`);
    expect(anonymous.message).toMatch(/no basic auth credentials|unauthorized|denied/);
    expect(anonymous.hint).toContain(`credentials for ${secured.host}`);

    const wrong = await failure(
      run.engine.images.pull({
        reference,
        auth: { serveraddress: secured.host, username: CREDENTIALS.username, password: 'wrong' },
      }),
    );
    expect(wrong.message).toContain('the registry denied access');
    expect(wrong.message).not.toContain('wrong');
    expect(await run.engine.images.exists(reference)).toBe(false);
  });

  it('pulls with the credentials', async () => {
    const reference = await pushed(secured, 'pe-busybox-private', 'p2');
    expect(secured.auth).toBeDefined();
    const events = await collect(
      run.engine.images.pull({ reference, ...(secured.auth ? { auth: secured.auth } : {}) }),
    );
    const image = await run.engine.images.inspect(reference);
    expect(events.at(-1)).toEqual({ type: 'done', imageId: image.id });
  });
});

describe('image pull: abort', () => {
  it('stops before asking when the signal already aborted', async () => {
    const reference = await pushed(open, 'pe-busybox-abort', 'a1');
    const controller = new AbortController();
    controller.abort(new Error('pe: stopped early'));
    await expect(collect(run.engine.images.pull({ reference, signal: controller.signal }))).rejects.toThrow(
      'pe: stopped early',
    );
    expect(await run.engine.images.exists(reference)).toBe(false);
  });

  it('ends with the abort reason, never `done`, when aborted during the stream', async () => {
    const reference = await pushed(open, 'pe-busybox-abort', 'a2');
    const controller = new AbortController();
    const seen: PullEvent[] = [];
    const pulling = (async () => {
      for await (const event of run.engine.images.pull({ reference, signal: controller.signal })) {
        seen.push(event);
        controller.abort(new Error('pe: stopped during'));
      }
    })();
    await expect(pulling).rejects.toThrow('pe: stopped during');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.some((e) => e.type === 'done')).toBe(false);
  });
});
