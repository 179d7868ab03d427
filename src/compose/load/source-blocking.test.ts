import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDirectory, isFile } from './discover.js';
import { readSource, statPath, useBlockingReads } from './source.js';

// Its own file: useBlockingReads switches the whole module (vitest isolates test files).
describe('readSource with blocking reads (the pool workers)', () => {
  it('answers as the non-blocking reads do, for a file, a huge file, a folder and a missing file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-src-'));
    const file = join(dir, 'compose.yaml');
    const big = join(dir, 'big.yaml');
    await writeFile(file, '\uFEFFservices: {}\n');
    await writeFile(big, 'a'.repeat(2048));
    const paths = [file, big, dir, join(dir, 'nope.yaml')];
    const read = () => Promise.all(paths.map((p) => readSource(p, { maxBytes: 1024 })));
    const kinds = () => Promise.all(paths.flatMap((p) => [isFile(p), isDirectory(p)]));
    const before = { read: await read(), kinds: await kinds() };
    useBlockingReads();
    expect({ read: await read(), kinds: await kinds() }).toEqual(before);
    expect(before.read[0]).toEqual({ ok: true, text: 'services: {}\n' });
    expect(before.kinds).toEqual([true, false, true, false, false, true, false, false]);
    await expect(statPath(join(dir, 'nope.yaml'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
