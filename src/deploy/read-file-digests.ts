import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FileDigests } from './file-digests.js';
import type { FileSources } from './file-mounts.js';

/** SHA-256 (hex) of a file's content, streamed; undefined when it cannot be read. */
async function digestOf(path: string): Promise<string | undefined> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch {
    // Missing or unreadable: validation reports it; the engine would refuse the mount.
    return undefined;
  }
  return hash.digest('hex');
}

async function digestsOf(files: Readonly<Record<string, string>>): Promise<Record<string, string>> {
  const entries = await Promise.all(
    Object.entries(files).map(async ([key, path]) => [key, await digestOf(path)] as const),
  );
  return Object.fromEntries(entries.filter((e): e is readonly [string, string] => e[1] !== undefined));
}

/**
 * Reads the host files of the stack's `file:` secrets and configs into digests for its config
 * hashes (the imperative half of `file-digests.ts`). The content goes no further than the hash.
 */
export async function readFileDigests(sources: FileSources): Promise<FileDigests> {
  const [secrets, configs] = await Promise.all([digestsOf(sources.secrets), digestsOf(sources.configs)]);
  return { secrets, configs };
}
