import { once } from 'node:events';
import { Readable } from 'node:stream';
import type { Engine } from '../engine/model.js';

/**
 * Streams `body` (exactly `size` bytes: the manifest's plain size) into the container as
 * `<dir>/<name>` through the engine's archive API, in bounded memory. A body of another length
 * fails (a truncated or padded dump never lands as a whole file).
 */
export async function putFile(
  engine: Engine,
  container: string,
  target: { dir: string; name: string; size: number; mode?: number; uid?: number; gid?: number },
  body: Readable,
): Promise<void> {
  // tar-stream is loaded on first use: an idle server does not need it.
  const { pack } = await import('tar-stream');
  const tar = pack();
  const entry = tar.entry({
    name: target.name,
    size: target.size,
    mode: target.mode ?? 0o600,
    ...(target.uid !== undefined ? { uid: target.uid } : {}),
    ...(target.gid !== undefined ? { gid: target.gid } : {}),
  });
  const upload = engine.containers.putArchive(
    container,
    target.dir,
    Readable.from(tar as AsyncIterable<Buffer>),
  );
  try {
    const ended = new Promise<void>((resolve, reject) => {
      entry.once('error', reject);
      entry.once('finish', () => resolve());
    });
    ended.catch(() => undefined);
    for await (const chunk of body) {
      // events.once rejects on 'error' and removes both listeners either way (no pile-up per drain).
      if (!entry.write(chunk as Buffer)) await once(entry, 'drain');
    }
    entry.end(Buffer.alloc(0));
    await ended;
    tar.finalize();
  } catch (error: unknown) {
    tar.destroy(error instanceof Error ? error : new Error(String(error)));
    await upload.catch(() => undefined);
    throw error;
  }
  await upload;
}
