import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { attributeWrite } from './attribution.js';
import { type ArtifactStore, checkKey } from './types.js';

const PARTIAL = '.partial-';

/** What a walk of the store finds: complete files, and partials of interrupted writes. */
async function walk(root: string): Promise<{ files: string[]; partials: string[] }> {
  const files: string[] = [];
  const partials: string[] = [];
  const visit = async (dir: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error: unknown) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await visit(path);
      else if (entry.isFile()) (entry.name.includes(PARTIAL) ? partials : files).push(path);
    }
  };
  await visit(root);
  return { files, partials };
}

/**
 * A folder on this machine. A write goes to `<key>.partial-<random>`, is flushed to disk, and is
 * renamed onto its key: readers see all of it or nothing, and a full disk or a kill leaves only the
 * partial, which `cleanPartials` removes at the next start. Folders it makes are 0700 and files
 * 0600: artifacts are encrypted, but manifests (tables, row counts, images) are for Berth's user.
 */
export function dirStore(name: string, root: string): ArtifactStore {
  const pathOf = (key: string) => join(root, ...checkKey(key).split('/'));
  return {
    name,
    where: root,
    async write(key, body, signal) {
      const target = pathOf(key);
      const partial = `${target}${PARTIAL}${randomBytes(4).toString('hex')}`;
      await attributeWrite({ name, where: root }, body, signal, async (sinkFailed) => {
        try {
          await mkdir(dirname(target), { recursive: true, mode: 0o700 });
          const file = createWriteStream(partial, { flags: 'wx', mode: 0o600 });
          file.once('error', sinkFailed);
          await pipeline(body, file, ...(signal ? [{ signal }] : []));
          const handle = await open(partial, 'r');
          try {
            await handle.sync();
          } finally {
            await handle.close();
          }
          await rename(partial, target);
        } catch (error: unknown) {
          await rm(partial, { force: true });
          throw error;
        }
      });
    },
    async read(key) {
      const path = pathOf(key);
      await stat(path);
      return createReadStream(path) as Readable;
    },
    async size(key) {
      try {
        return (await stat(pathOf(key))).size;
      } catch (error: unknown) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async remove(key) {
      await rm(pathOf(key), { force: true });
    },
    async list(prefix) {
      const { files } = await walk(join(root, ...checkKey(prefix).split('/')));
      return files.map((f) => relative(root, f).split(sep).join('/')).sort();
    },
    async cleanPartials(keep) {
      const { partials } = await walk(root);
      const gone = partials.filter((p) => !keep?.(relative(root, p).split(sep).join('/')));
      for (const p of gone) await rm(p, { force: true });
      return gone.length;
    },
  };
}
