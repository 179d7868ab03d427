import tarStream from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { TarCounter } from './tar-count.js';

type Entry = { name: string; type?: 'directory'; body?: string; mode?: number; mtime?: Date };

async function archive(entries: Entry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const e of entries) {
    const times = e.mtime ? { mtime: e.mtime } : {};
    if (e.type === 'directory') pack.entry({ name: e.name, type: 'directory', ...times });
    else pack.entry({ name: e.name, ...(e.mode ? { mode: e.mode } : {}), ...times }, e.body ?? '');
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('TarCounter', () => {
  it('counts files, their bytes and folders, whatever the chunk sizes', async () => {
    const tar = await archive([
      { name: 'data', type: 'directory' },
      { name: 'data/a.txt', body: 'hello\n' },
      { name: 'data/sub', type: 'directory' },
      { name: 'data/sub/big.bin', body: 'x'.repeat(70_000) },
      { name: `data/${'long-name-'.repeat(20)}.txt`, body: '' },
    ]);
    const digests = new Set<string>();
    for (const size of [1, 7, 512, 4096, tar.length]) {
      const counter = new TarCounter();
      for (let i = 0; i < tar.length; i += size) counter.push(tar.subarray(i, i + size));
      const { digest, ...counts } = counter.result();
      expect(counts, `chunks of ${size}`).toEqual({ files: 3, bytes: 70_006, directories: 2 });
      digests.add(digest);
    }
    expect(digests.size).toBe(1);
  });

  it('its digest changes with a path, a mode or a byte of content, not with times', async () => {
    const digest = async (entries: Entry[]) => {
      const counter = new TarCounter();
      counter.push(await archive(entries));
      return counter.result().digest;
    };
    const base: Entry[] = [
      { name: 'd', type: 'directory' },
      { name: 'd/f', body: 'abc', mode: 0o640 },
    ];
    const same = await digest(base);
    expect(await digest(base.map((e) => ({ ...e, mtime: new Date(0) })))).toBe(same);
    expect(await digest([base[0] as Entry, { name: 'd/g', body: 'abc', mode: 0o640 }])).not.toBe(same);
    expect(await digest([base[0] as Entry, { name: 'd/f', body: 'abc', mode: 0o644 }])).not.toBe(same);
    expect(await digest([base[0] as Entry, { name: 'd/f', body: 'abd', mode: 0o640 }])).not.toBe(same);
  });
});
