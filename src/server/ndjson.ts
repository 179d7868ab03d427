import type { StreamAccess } from './stream-access.js';

// An NDJSON answer (the logs route): a line per item as it comes, ended by an `error` line when the
// source fails or the caller loses access.

/** How an NDJSON stream re-checks its caller: on each change of the auth service and every `everyMs`. */
export interface NdjsonWatch {
  readonly access: StreamAccess;
  readonly everyMs: number;
  /** Stops the source (the engine's log follow) when the stream ends because access was lost. */
  readonly stop: () => void;
}

/**
 * NDJSON of an async iterable: one JSON object per line, flushed as it comes; errors end it with an
 * `error` line, and so does a caller who lost access (`watch`). `onClose` runs once when it ends,
 * however it ends.
 */
export function ndjson(
  source: AsyncIterable<unknown>,
  signal: AbortSignal,
  onClose: () => void,
  watch?: NdjsonWatch,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = source[Symbol.asyncIterator]();
  let released = false;
  /** True once the stream was ended for lost access (its controller is closed). */
  let cut = false;
  let stopWatching = () => {};
  const closed = () => {
    if (released) return;
    released = true;
    signal.removeEventListener('abort', closed);
    stopWatching();
    onClose();
  };
  signal.addEventListener('abort', closed, { once: true });
  const errorLine = (error: { code: string; message: string; hint?: string }) =>
    encoder.encode(`${JSON.stringify({ error })}\n`);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (watch === undefined) return;
      const recheck = () => {
        if (released || cut) return;
        const lost = watch.access.check();
        if (lost === undefined) return;
        cut = true;
        controller.enqueue(errorLine(lost));
        controller.close();
        closed();
        watch.stop();
      };
      const unsubscribe = watch.access.onChange(recheck);
      const timer = setInterval(recheck, watch.everyMs);
      timer.unref();
      stopWatching = () => {
        unsubscribe();
        clearInterval(timer);
      };
    },
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (cut) return;
        if (next.done || signal.aborted) {
          closed();
          return controller.close();
        }
        controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`));
      } catch (error: unknown) {
        if (cut) return;
        if (!signal.aborted) {
          const e = error as { code?: unknown; message?: unknown };
          const code = typeof e.code === 'string' ? e.code : 'INTERNAL';
          controller.enqueue(errorLine({ code, message: String(e.message) }));
        }
        closed();
        controller.close();
      }
    },
    async cancel() {
      closed();
      await iterator.return?.();
    },
  });
}
