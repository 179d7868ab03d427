import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { Manifest } from '../api/backups.js';
import type { LoadedStack } from '../compose/stack.js';
import { checksum, openArtifact, writeArtifact } from './artifact.js';
import { BackupError } from './errors.js';
import type { ArtifactStore } from './stores/types.js';

/**
 * The stack's configuration set (`config: true` in the stack's backup policy): its compose files,
 * the files they include or extend, the project's `.env` and every env file, as one tar, gzip'd and
 * encrypted to the same recipients as the backup it goes with. It holds secrets by nature, so it is
 * never written unencrypted, and Berth never writes it back: a restore puts data back, the operator
 * their files (README: Disaster recovery).
 */
export interface ConfigFile {
  /** Where it is read from. */
  readonly path: string;
  /** Its name in the archive: relative to the stack's folder, or `outside/<absolute path>`. */
  readonly name: string;
}

export type ConfigSet = NonNullable<Manifest['config']>;

/** A configuration set is a handful of text files: anything larger is a mistake, refused. */
export const CONFIG_LIMIT_BYTES = 16 * 1024 * 1024;

export const configKey = (base: string) => `${base}.config.tar.gz.age`;

/** Pure: the files of the set, each once, in the order the loader read them. */
export function configFiles(loaded: Pick<LoadedStack, 'dir' | 'sources'>): ConfigFile[] {
  const seen = new Set<string>();
  const files: ConfigFile[] = [];
  for (const source of loaded.sources) {
    const path = resolve(loaded.dir, source);
    if (seen.has(path)) continue;
    seen.add(path);
    const rel = relative(loaded.dir, path);
    const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
    files.push({ path, name: inside ? rel.split('\\').join('/') : `outside${path}` });
  }
  return files;
}

/** Reads the set (every file must still be there), packs, compresses, encrypts and stores it. */
export async function writeConfigSet(input: {
  readonly files: readonly ConfigFile[];
  readonly recipients: readonly string[];
  readonly store: ArtifactStore;
  readonly key: string;
  readonly signal?: AbortSignal;
}): Promise<ConfigSet> {
  let total = 0;
  const contents: { name: string; body: Buffer; mode: number }[] = [];
  for (const file of input.files) {
    const info = await stat(file.path).catch(() => undefined);
    if (!info?.isFile()) {
      throw new BackupError(
        'BACKUP_DUMP_FAILED',
        `${file.path}, a file of the stack's configuration, is gone`,
        'restore the file, or reload the stack, then back up again',
      );
    }
    total += info.size;
    if (total > CONFIG_LIMIT_BYTES) {
      throw new BackupError(
        'BACKUP_DUMP_FAILED',
        `the stack's configuration files exceed ${CONFIG_LIMIT_BYTES / 1_048_576} MiB (at ${file.path})`,
        'keep large files out of env files and compose includes, or set config: false',
      );
    }
    contents.push({ name: file.name, body: await readFile(file.path), mode: info.mode & 0o777 });
  }
  // tar-stream is loaded on first use: an idle server does not need it.
  const { pack } = await import('tar-stream');
  const archive = pack();
  for (const c of contents) archive.entry({ name: c.name, size: c.body.length, mode: c.mode }, c.body);
  archive.finalize();
  const written = await writeArtifact({
    dump: { stream: Readable.from(archive), compressed: false },
    recipients: input.recipients,
    store: input.store,
    key: input.key,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  return {
    file: input.key.split('/').pop() ?? input.key,
    size: written.size,
    sha256: written.sha256,
    plainSize: written.plainSize,
    files: contents.map((c) => c.name),
  };
}

/**
 * A drill of the set: the stored bytes match the manifest, it decrypts, and the archive holds
 * exactly the files the manifest names. Returns what is wrong, if anything.
 */
export async function checkConfigSet(input: {
  readonly set: ConfigSet;
  readonly key: string;
  readonly store: ArtifactStore;
  readonly identities: readonly string[];
  readonly signal?: AbortSignal;
}): Promise<string | undefined> {
  const { set } = input;
  const found = await checksum(input.store, input.key, input.signal);
  if (found.size !== set.size || found.sha256 !== set.sha256) {
    return `the configuration set's checksum does not match: the manifest records ${set.size} bytes with sha256 ${set.sha256}, the store holds ${found.size} bytes with sha256 ${found.sha256}`;
  }
  const plain = await openArtifact({
    store: input.store,
    key: input.key,
    identities: input.identities,
    compression: 'gzip',
    ...(input.signal ? { signal: input.signal } : {}),
  });
  const names: string[] = [];
  const { extract } = await import('tar-stream');
  const reader = extract();
  const done = new Promise<void>((resolveDone, reject) => {
    reader.on('entry', (header, body, next) => {
      names.push(header.name);
      body.on('end', next);
      body.resume();
    });
    reader.on('finish', resolveDone);
    reader.on('error', reject);
    plain.on('error', reject);
  });
  plain.pipe(reader);
  await done;
  const missing = set.files.filter((f) => !names.includes(f));
  const extra = names.filter((n) => !set.files.includes(n));
  if (missing.length > 0 || extra.length > 0) {
    return `the configuration set does not hold what its manifest names (missing: ${missing.join(', ') || 'none'}; not named: ${extra.join(', ') || 'none'})`;
  }
  return undefined;
}
