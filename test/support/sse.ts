// Test-only: reads a Server-Sent Events response incrementally, frame by frame, as a browser's
// EventSource would, so tests see exactly what went over the wire and when.

/** One message: its fields as sent; `data` is the JSON the server wrote (one data line). */
export interface SseMessage {
  readonly id?: number;
  readonly event: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read the payload field by field
  readonly data: any;
  /** How many `data:` lines it had (the framing puts every message on one). */
  readonly dataLines: number;
}

/** A comment frame (`: keep-alive`): the heartbeat. */
export interface SseComment {
  readonly comment: string;
}

export type SseFrame = SseMessage | SseComment;

export const isComment = (frame: SseFrame): frame is SseComment => 'comment' in frame;

function parseFrame(block: string): SseFrame {
  const lines = block.split('\n');
  if (lines.every((l) => l.startsWith(':')))
    return { comment: lines.map((l) => l.slice(1).trim()).join('\n') };
  let id: number | undefined;
  let event = 'message';
  const data: string[] = [];
  for (const line of lines) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = Number(value);
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else throw new Error(`unexpected SSE field ${JSON.stringify(field)} in ${JSON.stringify(block)}`);
  }
  return {
    ...(id !== undefined ? { id } : {}),
    event,
    data: JSON.parse(data.join('\n')),
    dataLines: data.length,
  };
}

/** Reads frames from a response body; every wait is bounded, so a missing event fails instead of hanging. */
export class SseReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = '';
  private ended = false;
  /** A read still pending after a timeout is kept for the next call, so no chunk is lost. */
  private pending: ReturnType<ReadableStreamDefaultReader<Uint8Array>['read']> | undefined;

  constructor(response: Response) {
    if (!response.body) throw new Error('the response has no body');
    this.reader = response.body.getReader();
  }

  /** The next frame, or undefined once the stream has ended. */
  async frame(timeoutMs = 2000): Promise<SseFrame | undefined> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end !== -1) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        return parseFrame(block);
      }
      if (this.ended) {
        if (this.buffer !== '') throw new Error(`the stream ended mid-frame: ${JSON.stringify(this.buffer)}`);
        return undefined;
      }
      this.pending ??= this.reader.read();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no SSE frame within ${timeoutMs} ms`)), timeoutMs);
      });
      const result = await Promise.race([this.pending, timeout]).finally(() => clearTimeout(timer));
      this.pending = undefined;
      if (result.done) this.ended = true;
      else this.buffer += this.decoder.decode(result.value, { stream: true });
    }
  }

  /** The next message, skipping heartbeats; undefined once the stream has ended. */
  async next(timeoutMs = 2000): Promise<SseMessage | undefined> {
    for (;;) {
      const frame = await this.frame(timeoutMs);
      if (frame === undefined || !isComment(frame)) return frame;
    }
  }

  /** The next `count` messages; fails if the stream ends first. */
  async take(count: number, timeoutMs = 2000): Promise<SseMessage[]> {
    const out: SseMessage[] = [];
    while (out.length < count) {
      const message = await this.next(timeoutMs);
      if (!message) throw new Error(`the stream ended after ${out.length} of ${count} messages`);
      out.push(message);
    }
    return out;
  }

  /** Every message until the stream ends (for streams that end by themselves). */
  async rest(timeoutMs = 2000): Promise<SseMessage[]> {
    const out: SseMessage[] = [];
    for (let m = await this.next(timeoutMs); m !== undefined; m = await this.next(timeoutMs)) out.push(m);
    return out;
  }

  /** Whether the stream has ended (after a read returned done). */
  get done(): boolean {
    return this.ended;
  }

  /** Stops reading: the server side sees the stream cancelled. */
  async cancel(): Promise<void> {
    await this.reader.cancel();
  }
}
