import { StreamErrorEventSchema, StreamEventSchema } from '../api/events.js';
import { type Outcome, outcomeOf } from '../api/operation-outcome.js';
import type { OperationView } from '../api/operations.js';
import { endingOf, eventLine } from './outcome.js';
import { formatFrame, HEARTBEAT, readFrames, type SseFrame } from './sse.js';
import { EventItem, OutcomeBox } from './views/operation.js';

// An operation's events, from the API's stream: read into a page, or re-sent as HTML fragments.

export interface FeedLine {
  readonly id: number;
  readonly text: string;
}

export interface OperationFeed {
  readonly lines: FeedLine[];
  readonly outcome: Outcome;
  /** The id of the last event read (0: none), where the live stream goes on. */
  readonly lastId: number;
}

type Read =
  | {
      readonly kind: 'line';
      readonly line: FeedLine;
      readonly outcome?: Outcome | undefined;
      /** The API ended the stream (the caller lost access): nothing more will come. */
      readonly ended?: true;
    }
  | { readonly kind: 'heartbeat' }
  | { readonly kind: 'other' };

/** What one frame of the API's stream says: an event line (and, at the end, the outcome), or nothing. */
export function readFrame(frame: SseFrame, op: Pick<OperationView, 'kind'>, lastId: number): Read {
  if (frame === HEARTBEAT) return { kind: 'heartbeat' };
  let json: unknown;
  try {
    json = JSON.parse(frame.data);
  } catch {
    return { kind: 'other' };
  }
  if (frame.event === 'error') {
    const ended = StreamErrorEventSchema.safeParse(json);
    if (!ended.success) return { kind: 'other' };
    const text = `the stream ended: ${ended.data.message} (${ended.data.hint})`;
    return { kind: 'line', line: { id: lastId, text }, ended: true };
  }
  if (frame.event === 'gap' || frame.event === 'reset') {
    const message = (json as { message?: unknown }).message;
    return typeof message === 'string'
      ? { kind: 'line', line: { id: lastId, text: message } }
      : { kind: 'other' };
  }
  const event = StreamEventSchema.safeParse(json);
  if (!event.success) return { kind: 'other' };
  const ending = endingOf(event.data, op.kind);
  return {
    kind: 'line',
    line: { id: event.data.id, text: eventLine(event.data) },
    outcome: ending ? outcomeOf(ending) : undefined,
  };
}

/**
 * Reads the stream until the operation's end, or (a running one) until no event came for `idleMs`,
 * or `maxLines` were read. The outcome is the operation's own until its end is read.
 */
export async function readFeed(
  body: ReadableStream<Uint8Array>,
  op: OperationView,
  options: { readonly idleMs?: number | undefined; readonly maxLines: number },
): Promise<OperationFeed> {
  const lines: FeedLine[] = [];
  let outcome = outcomeOf(op);
  let lastId = 0;
  const stop = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (options.idleMs === undefined) return;
    clearTimeout(timer);
    timer = setTimeout(() => stop.abort(), options.idleMs);
  };
  arm();
  try {
    for await (const frame of readFrames(body, stop.signal)) {
      const read = readFrame(frame, op, lastId);
      if (read.kind !== 'line') continue;
      arm();
      lines.push(read.line);
      lastId = Math.max(lastId, read.line.id);
      if (read.outcome) outcome = read.outcome;
      if (read.outcome || read.ended || lines.length >= options.maxLines) break;
    }
  } finally {
    clearTimeout(timer);
    stop.abort();
  }
  return { lines, outcome, lastId };
}

const html = async (node: ReturnType<typeof EventItem>): Promise<string> => (await node).toString();

/**
 * The page's live stream: each event as an `<li>` (SSE event `line`), then at the end the outcome
 * box (`outcome`) and `end`, after which the page closes its EventSource. Text is escaped by JSX.
 * Every line carries its event's `id:`, so a reconnecting EventSource sends `Last-Event-ID`.
 */
export function renderFeed(
  body: ReadableStream<Uint8Array>,
  op: OperationView,
  after = 0,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const stop = new AbortController();
  const frames = readFrames(body, stop.signal);
  // Ids never go below where the stream started: a `gap` line first still says `after`, so a
  // reconnect (Last-Event-ID) resumes there and not from the operation's start.
  let lastId = after;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const next = await frames.next();
        if (next.done) return controller.close();
        const read = readFrame(next.value, op, lastId);
        if (read.kind === 'other') continue;
        if (read.kind === 'heartbeat') return controller.enqueue(encoder.encode(formatFrame(HEARTBEAT)));
        lastId = Math.max(lastId, read.line.id);
        let text = formatFrame({ id: String(lastId), event: 'line', data: await html(EventItem(read.line)) });
        if (read.outcome) {
          text += formatFrame({ event: 'outcome', data: await html(OutcomeBox({ outcome: read.outcome })) });
        }
        // The end of the operation, or of the caller's access: the page closes its EventSource.
        if (read.outcome || read.ended) text += formatFrame({ event: 'end', data: 'end' });
        controller.enqueue(encoder.encode(text));
        if (read.outcome || read.ended) {
          stop.abort();
          controller.close();
        }
        return;
      }
    },
    async cancel() {
      stop.abort();
      await frames.return(undefined);
    },
  });
}
