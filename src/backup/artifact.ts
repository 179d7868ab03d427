import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Duplex, pipeline, Readable, Transform } from 'node:stream';
import type { ReadableStream as WebReadable } from 'node:stream/web';
import { createGunzip, createGzip } from 'node:zlib';
import { BackupError } from './errors.js';
import type { Dump } from './kinds/types.js';
import type { ArtifactStore } from './stores/types.js';

/** What writing an artifact measured. */
export interface Written {
  readonly compression: 'gzip' | 'none';
  readonly size: number;
  readonly sha256: string;
  readonly plainSize: number;
}

/** Counts (and optionally hashes) what passes, unchanged. */
class Meter extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');
  constructor(
    private readonly hashing: boolean,
    private readonly see?: (chunk: Buffer) => void,
  ) {
    super();
  }
  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (e?: Error | null, c?: Buffer) => void,
  ) {
    this.bytes += chunk.length;
    if (this.hashing) this.hash.update(chunk);
    this.see?.(chunk);
    done(null, chunk);
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

const toWeb = (stream: Readable) => Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>;
const fromWeb = (stream: ReadableStream<Uint8Array>) =>
  Readable.fromWeb(stream as unknown as WebReadable<Uint8Array>);

/**
 * Joins stages into one readable: the first error of any stage destroys them all and reaches the
 * reader (the store's write, which then removes its partial).
 */
function chain(first: Readable, ...rest: Duplex[]): Readable {
  // @ts-expect-error: the variadic overload of pipeline is typed for a fixed number of stages.
  return pipeline(first, ...rest, () => undefined) as Readable;
}

/** age encryption as a Node duplex: plain bytes in, the age file out. */
async function sealing(recipients: readonly string[]): Promise<Duplex> {
  // Loaded on first use: age and its curves cost ~15 MB that an idle server does not need.
  const { Encrypter } = await import('age-encryption');
  const encrypter = new Encrypter();
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  const input = new TransformStream<Uint8Array, Uint8Array>();
  const output = await encrypter.encrypt(input.readable);
  return Duplex.fromWeb({ readable: output, writable: input.writable } as unknown as Parameters<
    typeof Duplex.fromWeb
  >[0]);
}

/**
 * Streams a dump into the store in bounded memory: dump → gzip (unless already compressed) → age
 * (to every recipient) → sha256 and size → the store's atomic write.
 */
export async function writeArtifact(input: {
  readonly dump: Pick<Dump, 'stream' | 'compressed' | 'observe'>;
  readonly recipients: readonly string[];
  readonly store: ArtifactStore;
  readonly key: string;
  readonly signal?: AbortSignal;
  /** Plain bytes read so far, after each chunk (progress). */
  readonly onBytes?: (bytes: number) => void;
}): Promise<Written> {
  const { dump, onBytes } = input;
  let total = 0;
  const plain = new Meter(false, (chunk) => {
    dump.observe?.(chunk);
    total += chunk.length;
    onBytes?.(total);
  });
  const compressing = !dump.compressed;
  const stored = new Meter(true);
  const seal = await sealing(input.recipients);
  const body = compressing
    ? chain(dump.stream, plain, createGzip({ level: 6 }), seal, stored)
    : chain(dump.stream, plain, seal, stored);
  await input.store.write(input.key, body, input.signal);
  return {
    compression: compressing ? 'gzip' : 'none',
    size: stored.bytes,
    sha256: stored.digest(),
    plainSize: plain.bytes,
  };
}

/** The age identities of an identity file (the `AGE-SECRET-KEY-1…` lines; comments skipped). */
export async function readIdentities(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code ?? 'an error';
    throw new BackupError(
      'BACKUP_NOT_CONFIGURED',
      `the age identity file ${file} (backup.identity) cannot be read: ${code === 'ENOENT' ? 'it does not exist' : code}`,
      'point `backup.identity` in the config file at the key file (made with age-keygen, kept outside every store), readable by Berth',
    );
  }
  const keys = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('AGE-SECRET-KEY-'));
  if (keys.length === 0) {
    throw new BackupError(
      'BACKUP_NOT_CONFIGURED',
      `the age identity file ${file} (backup.identity) holds no AGE-SECRET-KEY line`,
      'point `backup.identity` at the file age-keygen wrote (its public key is one of backup.recipients)',
    );
  }
  return keys;
}

/** The stored bytes' size and sha256, read once from the store (before anything is restored). */
export async function checksum(store: ArtifactStore, key: string, signal?: AbortSignal) {
  const meter = new Meter(true);
  const source = await store.read(key, signal);
  for await (const chunk of source.pipe(meter)) void chunk;
  return { size: meter.bytes, sha256: meter.digest() };
}

/**
 * The plain dump of an artifact: decrypted with `identities` and decompressed. Errors (a wrong key,
 * a damaged byte: age authenticates every 64 KiB chunk) surface on the returned stream.
 */
export async function openArtifact(input: {
  readonly store: ArtifactStore;
  readonly key: string;
  readonly identities: readonly string[];
  readonly compression: 'gzip' | 'none';
  readonly signal?: AbortSignal;
}): Promise<Readable> {
  const { Decrypter } = await import('age-encryption');
  const decrypter = new Decrypter();
  for (const identity of input.identities) decrypter.addIdentity(identity);
  const source = await input.store.read(input.key, input.signal);
  const opened = fromWeb(await decrypter.decrypt(toWeb(source)));
  return input.compression === 'none' ? opened : chain(opened, createGunzip());
}
