import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreWriteError } from '../../../src/backup/stores/attribution.js';
import { s3Store } from '../../../src/backup/stores/s3.js';
import type { LoadedStack } from '../../../src/compose/stack.js';
import type { BackupSettings, S3StoreSettings } from '../../../src/config/backup-settings.js';
import { type DeployHarness, startHarness } from '../deploy/support.js';
import { type BackupKit, backupKit, execIn, SERVICES } from './support.js';

// The S3 store against s3rver (a local S3 implementation): atomic multipart writes larger than one
// part, reads, listings and removal; a failing source leaves no object; and a backup of a real
// container stored in S3 and drilled from it.

let server: S3rver;
let root: string;
let endpoint: string;

const settings = (extra: Partial<S3StoreSettings> = {}): S3StoreSettings => ({
  type: 's3',
  bucket: 'backups',
  prefix: 'berth/',
  region: 'us-east-1',
  endpoint,
  forcePathStyle: true,
  accessKeyId: 'S3RVER',
  secretAccessKey: { file: join(root, 'secret') },
  partSizeBytes: 5 * 1024 * 1024,
  ...extra,
});

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'berth-s3-'));
  writeFileSync(join(root, 'secret'), 'S3RVER\n');
  server = new S3rver({
    port: 0,
    address: '127.0.0.1',
    silent: true,
    directory: join(root, 'data'),
    configureBuckets: [{ name: 'backups', configs: [] }],
  });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('S3 store', () => {
  it('writes a multipart object larger than one part, reads it back whole, lists and removes it', async () => {
    const store = s3Store('offsite', settings());
    const data = randomBytes(12 * 1024 * 1024 + 123);
    // In small chunks, as a dump streams.
    const chunks = Array.from({ length: Math.ceil(data.length / 65536) }, (_, i) =>
      data.subarray(i * 65536, (i + 1) * 65536),
    );
    await store.write('shop/db/one.sql.gz.age', Readable.from(chunks));
    expect(await store.size('shop/db/one.sql.gz.age')).toBe(data.length);
    const back = await readAll(await store.read('shop/db/one.sql.gz.age'));
    expect(createHash('sha256').update(back).digest('hex')).toBe(
      createHash('sha256').update(data).digest('hex'),
    );
    await store.write('shop/db/one.manifest.json', Readable.from([Buffer.from('{}')]));
    expect(await store.list('shop/db')).toEqual(['shop/db/one.manifest.json', 'shop/db/one.sql.gz.age']);
    await store.remove('shop/db/one.sql.gz.age');
    expect(await store.size('shop/db/one.sql.gz.age')).toBeUndefined();
    expect(await store.list('shop/db')).toEqual(['shop/db/one.manifest.json']);
  }, 60_000);

  it('a source that fails half way leaves no object behind', async () => {
    const store = s3Store('offsite', settings());
    async function* failing() {
      yield randomBytes(6 * 1024 * 1024);
      throw new Error('mariadb-dump exited with 2');
    }
    const error = await store
      .write('shop/db/broken.sql.gz.age', Readable.from(failing()))
      .catch((e: unknown) => e);
    // The source's own error, not one blamed on the bucket.
    expect(error).not.toBeInstanceOf(StoreWriteError);
    expect(String(error)).toMatch(/exited with 2/);
    expect(await store.size('shop/db/broken.sql.gz.age')).toBeUndefined();
    expect(await store.cleanPartials()).toBeGreaterThanOrEqual(0);
  }, 60_000);

  it('refuses wrong credentials with the service’s own answer', async () => {
    const store = s3Store('offsite', settings({ accessKeyId: 'nope', secretAccessKey: 'wrong' }));
    await expect(store.list('shop')).rejects.toThrow();
    // A write the bucket refuses is the store's failure, naming it.
    const error = await store
      .write('shop/db/refused.sql.gz.age', Readable.from([Buffer.from('x')]))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreWriteError);
    expect((error as StoreWriteError).store).toBe('offsite');
  });
});

describe('a backup stored in S3', () => {
  let h: DeployHarness;
  let kit: BackupKit;
  let loaded: LoadedStack;
  let stack: string;

  beforeAll(async () => {
    h = await startHarness();
    kit = await backupKit(h);
    stack = h.stackName();
    loaded = await h.load(
      h.writeStack(`services:
  app:
    image: ${SERVICES}
    command: ["sleep", "600"]
    stop_signal: SIGKILL
    x-berth:
      backup: { kind: sqlite, path: /tmp/app.db, store: offsite }
`),
      stack,
    );
    const r = await h.deploy(loaded);
    if (r.outcome !== 'succeeded') throw new Error(`deploy ended ${r.outcome}`);
  }, 120_000);

  afterAll(async () => {
    await h?.cleanup();
    kit?.cleanup();
  });

  it('is taken into the bucket and drilled from it', async () => {
    await execIn(h, stack, 'app', [
      'sqlite3',
      '/tmp/app.db',
      'CREATE TABLE t (x); INSERT INTO t VALUES (1), (2);',
    ]);
    const withS3: BackupSettings = {
      ...kit.settings,
      stores: { ...kit.settings.stores, offsite: settings() },
    };
    const service = kit.service(() => [loaded], h.store, withS3);
    const b = await service.run(await service.find(stack, 'app'), { trigger: 'manual' });
    expect(b).toMatchObject({ store: 'offsite', status: 'completed', drill: { status: 'passed' } });
    const keys = await s3Store('offsite', settings()).list(`${stack}/app`);
    expect(keys).toEqual([`${stack}/app/${b.id}.db.gz.age`, `${stack}/app/${b.id}.manifest.json`]);
  }, 120_000);
});
