import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checksum, openArtifact, readIdentities, writeArtifact } from './artifact.js';
import type { Dump } from './kinds/types.js';
import { dirStore } from './stores/dir.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'berth-artifact-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const dumpOf = (data: Buffer | (() => AsyncGenerator<Buffer>), compressed = false): Dump => ({
  stream: typeof data === 'function' ? Readable.from(data()) : Readable.from([data]),
  compressed,
  extension: 'sql',
  tool: 'test',
  finish: async () => ({}),
});

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('artifacts', () => {
  it('round-trips a dump through gzip and age, and measures what it stored', async () => {
    const identity = await generateIdentity();
    const recipient = await identityToRecipient(identity);
    const store = dirStore('local', root);
    const data = Buffer.from('INSERT INTO t VALUES (1),(2);\n'.repeat(10_000));
    const seen: number[] = [];
    const written = await writeArtifact({
      dump: { ...dumpOf(data), observe: (c) => seen.push(c.length) },
      recipients: [recipient],
      store,
      key: 'app/db/one.sql.gz.age',
    });
    expect(written.plainSize).toBe(data.length);
    expect(seen.reduce((a, b) => a + b, 0)).toBe(data.length);
    expect(written.compression).toBe('gzip');
    expect(written.size).toBe((await readFile(join(root, 'app/db/one.sql.gz.age'))).length);
    expect(written.size).toBeLessThan(data.length / 10);
    expect(await checksum(store, 'app/db/one.sql.gz.age')).toEqual({
      size: written.size,
      sha256: written.sha256,
    });
    const opened = await openArtifact({
      store,
      key: 'app/db/one.sql.gz.age',
      identities: [identity],
      compression: 'gzip',
    });
    expect((await readAll(opened)).equals(data)).toBe(true);
    expect(await store.list('app')).toEqual(['app/db/one.sql.gz.age']);
  });

  it('a flipped byte or a wrong key fails the read', async () => {
    const identity = await generateIdentity();
    const store = dirStore('local', root);
    const data = Buffer.alloc(300_000, 7);
    await writeArtifact({
      dump: dumpOf(data, true),
      recipients: [await identityToRecipient(identity)],
      store,
      key: 'a/b/c.age',
    });
    const other = await generateIdentity();
    await expect(
      openArtifact({ store, key: 'a/b/c.age', identities: [other], compression: 'none' }),
    ).rejects.toThrow();
    const path = join(root, 'a/b/c.age');
    const bytes = await readFile(path);
    bytes[bytes.length - 1000] = (bytes[bytes.length - 1000] ?? 0) ^ 1;
    await writeFile(path, bytes);
    const opened = await openArtifact({
      store,
      key: 'a/b/c.age',
      identities: [identity],
      compression: 'none',
    });
    await expect(readAll(opened)).rejects.toThrow();
  });

  it('a dump that fails half way leaves nothing but what cleanPartials removes', async () => {
    const store = dirStore('local', root);
    const identity = await generateIdentity();
    async function* failing() {
      yield Buffer.alloc(200_000, 1);
      throw new Error('mariadb-dump exited with 2');
    }
    await expect(
      writeArtifact({
        dump: dumpOf(failing),
        recipients: [await identityToRecipient(identity)],
        store,
        key: 'a/b/d.sql.gz.age',
      }),
    ).rejects.toThrow(/exited with 2/);
    expect(await store.list('a')).toEqual([]);
    expect(await readdir(join(root, 'a/b'))).toEqual([]);
    await writeFile(join(root, 'a/b/e.age.partial-1234'), 'x');
    expect(await store.cleanPartials()).toBe(1);
    expect(await readdir(join(root, 'a/b'))).toEqual([]);
  });

  it('reads the identities of an identity file, comments left out', async () => {
    const identity = await generateIdentity();
    const file = join(root, 'key.txt');
    await writeFile(file, `# created: 2026-12-04\n# public key: age1xyz\n${identity}\n`);
    expect(await readIdentities(file)).toEqual([identity]);
  });

  it('says which identity file is missing or holds no key, and where it is set', async () => {
    const missing = join(root, 'nope.txt');
    await expect(readIdentities(missing)).rejects.toMatchObject({
      code: 'BACKUP_NOT_CONFIGURED',
      message: `the age identity file ${missing} (backup.identity) cannot be read: it does not exist`,
      hint: expect.stringContaining('point `backup.identity`'),
    });
    const empty = join(root, 'empty.txt');
    await writeFile(empty, '# only a comment\n');
    await expect(readIdentities(empty)).rejects.toMatchObject({
      code: 'BACKUP_NOT_CONFIGURED',
      message: expect.stringMatching(/holds no AGE-SECRET-KEY line$/),
    });
  });

  it('keeps what it writes to its owner: folders 0700, files 0600', async () => {
    const store = dirStore('local', root);
    await store.write('shop/db/x.manifest.json', Readable.from([Buffer.from('{}')]));
    expect((await stat(join(root, 'shop'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(root, 'shop', 'db'))).mode & 0o777).toBe(0o700);
    expect((await stat(join(root, 'shop', 'db', 'x.manifest.json'))).mode & 0o777).toBe(0o600);
  });

  it('refuses keys that could leave the store', async () => {
    const store = dirStore('local', root);
    await expect(store.remove('../x')).rejects.toThrow(/not a backup key/);
    await expect(store.remove('/etc/passwd')).rejects.toThrow(/not a backup key/);
  });
});
