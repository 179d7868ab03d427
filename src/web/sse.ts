// Server-Sent Events both ways: reading the API's stream into frames, and writing the page's.

export interface SseFrame {
  readonly id?: string | undefined;
  readonly event: string;
  readonly data: string;
}

/** A block of comments only (the API's heartbeat): passed on so proxies keep the stream open. */
export const HEARTBEAT: SseFrame = { event: '', data: '' };

/** Splits SSE text into frames; returns them and the unfinished rest. A comment-only block is HEARTBEAT. */
export function parseFrames(text: string): { frames: SseFrame[]; rest: string } {
  const frames: SseFrame[] = [];
  const blocks = text.replace(/\r\n?/g, '\n').split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let id: string | undefined;
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const name = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (name === 'id') id = value;
      else if (name === 'event') event = value;
      else if (name === 'data') data.push(value);
    }
    if (data.length > 0) frames.push({ id, event, data: data.join('\n') });
    else if (block.startsWith(':')) frames.push(HEARTBEAT);
  }
  return { frames, rest };
}

/** The frames of a stream as they arrive; `stop` ends it (and cancels the stream) at once. */
export async function* readFrames(
  body: ReadableStream<Uint8Array>,
  stop?: AbortSignal,
): AsyncGenerator<SseFrame> {
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => {});
  stop?.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      const { frames, rest } = parseFrames(buffer);
      buffer = rest;
      yield* frames;
    }
  } finally {
    stop?.removeEventListener('abort', cancel);
    await reader.cancel().catch(() => {});
  }
}

/** One frame in the wire format; every line of `data` gets its own `data:` line. */
export function formatFrame(frame: SseFrame): string {
  if (frame === HEARTBEAT) return ': keep-alive\n\n';
  const id = frame.id === undefined ? '' : `id: ${frame.id.replace(/[\r\n]/g, '')}\n`;
  const data = frame.data
    .split(/\r\n|\r|\n/)
    .map((line) => `data: ${line}\n`)
    .join('');
  return `${id}event: ${frame.event}\n${data}\n`;
}
