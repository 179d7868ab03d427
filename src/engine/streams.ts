import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { LineSplitter } from './demux.js';
import { EngineError, type ErrorContext, toEngineError } from './errors.js';
import type { EngineRequest, Transport } from './transport.js';

/**
 * The response's chunks until it ends, the consumer stops, or `signal`
 * aborts; an abort ends the iteration quietly, any other failure is thrown.
 * The response is always destroyed at the end, so no socket is left open.
 */
export async function* chunksOf(
  response: Readable,
  context: ErrorContext,
  signal?: AbortSignal,
): AsyncGenerator<Buffer> {
  const onAbort = () => response.destroy();
  if (signal?.aborted) {
    response.destroy();
    return;
  }
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of response) {
      yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    }
  } catch (err) {
    if (signal?.aborted) return;
    throw toEngineError(err, context);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    response.destroy();
  }
}

/** Newline-delimited JSON (events, build progress), one parsed value per non-empty line. */
export async function* jsonLinesOf(
  response: Readable,
  context: ErrorContext,
  signal?: AbortSignal,
): AsyncGenerator<unknown> {
  const splitter = new LineSplitter();
  const parse = (line: string): unknown => {
    try {
      return JSON.parse(line);
    } catch (err) {
      throw new EngineError(
        'ENGINE_FAILED',
        `${context.action}: the engine sent a line that is not JSON: ${line}`,
        {
          cause: err,
        },
      );
    }
  };
  for await (const chunk of chunksOf(response, context, signal)) {
    for (const line of splitter.push(chunk)) if (line.trim() !== '') yield parse(line);
  }
  for (const line of splitter.end()) if (line.trim() !== '') yield parse(line);
}

/** Opens a streaming response; `undefined` when the caller aborted first (an abort is not a failure here). */
export async function openUnlessAborted(
  transport: Transport,
  request: EngineRequest,
): Promise<IncomingMessage | undefined> {
  try {
    return await transport.stream(request);
  } catch (err) {
    if (request.signal?.aborted) return undefined;
    throw err;
  }
}
