import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { attributeWrite, StoreWriteError } from './attribution.js';
import { dirStore } from './dir.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-attribution-'));
  dirs.push(dir);
  return dir;
};

async function* failingSource() {
  yield Buffer.alloc(64 * 1024, 1);
  throw new Error('mariadb-dump exited with 2');
}

/** A sink that refuses its second chunk, as a disk that fills up does. */
const fillingSink = () => {
  let chunks = 0;
  return new Writable({
    write(_chunk, _encoding, done) {
      done(
        ++chunks > 1 ? Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }) : null,
      );
    },
  });
};

const STORE = { name: 'local', where: '/srv/backups' };

describe('attributeWrite', () => {
  it('passes a source failure on as it is, though the sink sees it too', async () => {
    const body = Readable.from(failingSource());
    const error = await attributeWrite(STORE, body, undefined, async (sinkFailed) => {
      const sink = new Writable({ write: (_c, _e, done) => done() });
      sink.once('error', sinkFailed);
      await pipeline(body, sink);
    }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(StoreWriteError);
    expect(String(error)).toContain('mariadb-dump exited with 2');
  });

  it('blames the store when its sink fails first, though the body is then destroyed with that error', async () => {
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 8; i++) yield Buffer.alloc(16 * 1024, i);
      })(),
    );
    const error = await attributeWrite(STORE, body, undefined, async (sinkFailed) => {
      const sink = fillingSink();
      sink.once('error', sinkFailed);
      await pipeline(body, sink);
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreWriteError);
    expect(error).toMatchObject({
      store: 'local',
      where: '/srv/backups',
      message: 'ENOSPC: no space left on device',
    });
    expect((error as StoreWriteError).cause).toMatchObject({ code: 'ENOSPC' });
  });

  it('blames the store for a failure the body did not cause (a refused upload)', async () => {
    const body = Readable.from([Buffer.from('x')]);
    const error = await attributeWrite(STORE, body, undefined, () =>
      Promise.reject(new Error('AccessDenied')),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreWriteError);
  });

  it('an abort is an abort, not the store failing', async () => {
    const body = Readable.from([Buffer.from('x')]);
    const controller = new AbortController();
    controller.abort();
    const error = await attributeWrite(STORE, body, controller.signal, () =>
      Promise.reject(new Error('The operation was aborted')),
    ).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(StoreWriteError);
  });
});

describe('a folder store says when it failed itself', () => {
  it('a store folder that cannot be made is the store failing', async () => {
    const root = join(tempDir(), 'not-a-folder');
    writeFileSync(root, 'a file where the store folder should be');
    const error = await dirStore('local', root)
      .write('shop/db/one.sql.gz.age', Readable.from([Buffer.from('x')]))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreWriteError);
    expect(error).toMatchObject({ store: 'local', where: root });
  });

  it('a dump that fails half way is the dump failing, and leaves no partial', async () => {
    const root = tempDir();
    const store = dirStore('local', root);
    const error = await store
      .write('shop/db/one.sql.gz.age', Readable.from(failingSource()))
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(StoreWriteError);
    expect(String(error)).toContain('mariadb-dump exited with 2');
    expect(await store.cleanPartials()).toBe(0);
    expect(await store.list('shop')).toEqual([]);
  });
});
