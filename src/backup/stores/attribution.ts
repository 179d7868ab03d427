import type { Readable } from 'node:stream';
import type { ArtifactStore } from './types.js';

/**
 * A write that failed in the store itself (a full disk, a folder Berth may not write, an S3 endpoint
 * that refused or went away), not in the bytes it was given: the source's own error is passed on
 * as it is. `cause` is the store's error.
 */
export class StoreWriteError extends Error {
  override readonly name = 'StoreWriteError';
  constructor(
    readonly store: string,
    readonly where: string,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/**
 * Runs a store's write and says whose failure it was: the first error wins. An error the body
 * emitted first (the dump, compression or encryption failing) or an abort is rethrown as it is;
 * an error the store's own sink reported first (`sinkFailed`, called by its error listener), or a
 * failure with no error from the body at all, is the store's: a StoreWriteError. Both sides are
 * watched from the start, because each side's failure reaches the other one as a broken pipe.
 */
export async function attributeWrite(
  store: Pick<ArtifactStore, 'name' | 'where'>,
  body: Readable,
  signal: AbortSignal | undefined,
  write: (sinkFailed: () => void) => Promise<void>,
): Promise<void> {
  let first: 'source' | 'sink' | undefined;
  const onError = () => {
    first ??= 'source';
  };
  body.once('error', onError);
  try {
    await write(() => {
      first ??= 'sink';
    });
  } catch (error: unknown) {
    if (first === 'source' || signal?.aborted) throw error;
    throw new StoreWriteError(store.name, store.where, error);
  } finally {
    body.off('error', onError);
  }
}
