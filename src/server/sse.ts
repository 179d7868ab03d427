import type { StreamEvent } from '../api/events.js';
import type { EventHub } from '../events/hub.js';
import type { StreamAccess } from './stream-access.js';

/** Events read from the log per step of a replay: each step is one chunk, sent when the client took the last. */
export const BACKLOG_PAGE = 100;
/** Live events held while the backlog is replayed; past this they are dropped and read from the log instead. */
const MAX_QUEUED = 1_000;
/** Chunks waiting for a client that stopped reading; past this the stream ends (it resumes with `Last-Event-ID`). */
const MAX_BUFFERED_CHUNKS = 1_000;

/** Pages read in one turn of the event loop, over all streams together. */
const PAGES_PER_TURN = 4;

/**
 * Turns of replaying streams: PAGES_PER_TURN pages per turn of the event loop over all streams of
 * one app, so however many streams replay at once, other requests (and `/healthz`) are served
 * between turns. One per app (the stream routes make it), never a module global.
 */
export class ReplayTurns {
  private readonly waiting: Array<() => void> = [];
  private turning = false;

  private readonly turn = (): void => {
    for (const go of this.waiting.splice(0, PAGES_PER_TURN)) go();
    if (this.waiting.length > 0) setImmediate(this.turn);
    else this.turning = false;
  };

  /** Resolves at this stream's turn. */
  next(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      if (!this.turning) {
        this.turning = true;
        setImmediate(this.turn);
      }
    });
  }
}

/** One event in the SSE wire format; `data` is one line of JSON, so it never breaks the framing. */
export function formatSse(event: { id?: number; event: string; data: unknown }): string {
  const id = event.id === undefined ? '' : `id: ${event.id}\n`;
  return `${id}event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

export interface EventStreamOptions {
  readonly hub: EventHub;
  /** The app's replay turns (shared by its streams); default: one of the stream's own. */
  readonly turns?: ReplayTurns;
  /** Resume after this id (`Last-Event-ID`); 0 sends the whole kept log. */
  readonly after: number;
  /** No resume point: start with the newest `tail` events of the log (before `visible`); `after` is ignored. */
  readonly tail?: number;
  /** Only events of one operation (read from its index). */
  readonly operation?: string;
  /** Which events this caller may see and asked for. */
  readonly visible: (event: StreamEvent) => boolean;
  /** A visible event as this caller may read it (fields for other roles removed); default: as stored. */
  readonly present?: (event: StreamEvent) => StreamEvent;
  /** The stream ends after an event for which this is true (an operation's `finished`). */
  readonly endAfter?: (event: StreamEvent) => boolean;
  readonly signal: AbortSignal;
  readonly heartbeatMs: number;
  /**
   * Whether the caller may still read the stream, checked on every heartbeat and on each change of
   * the auth service: when it no longer may, the stream sends the reason as a last `error` event and ends.
   */
  readonly access?: StreamAccess;
  /** Called once when the stream ends, however it ends (the route gives its stream slot back). */
  readonly onClose?: () => void;
}

/**
 * Backlog then live events, without a gap or a duplicate: the subscription starts before the
 * backlog is read, and live events at or below the last id sent are dropped. When the resume point
 * is older than the oldest event kept, a `gap` event says so rather than pretending nothing happened;
 * an id newer than any stored (the log was reset) gets a `reset` event and the whole log.
 *
 * The backlog is read a page at a time, each page only once the client has taken the previous one
 * (the stream's pull) and in turns with every other replaying stream (ReplayTurns): a long replay to
 * many clients never holds the server, and a slow client holds at most a page. Live events are
 * pushed as they come; a client so far behind that MAX_BUFFERED_CHUNKS wait for it is ended (it
 * resumes with `Last-Event-ID`).
 */
export function eventStream(options: EventStreamOptions): ReadableStream<Uint8Array> {
  const turns = options.turns ?? new ReplayTurns();
  const encoder = new TextEncoder();
  let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
  let last = 0;
  let live = false;
  let ended = false;
  let overflow = false;
  const queued: StreamEvent[] = [];
  let cleanup = () => {};
  const end = () => {
    if (ended) return;
    ended = true;
    cleanup();
    controller?.close();
  };
  const enqueue = (text: string) => controller?.enqueue(encoder.encode(text));
  /** Sends the events the caller sees as one chunk; true when it sent something. */
  const send = (events: readonly StreamEvent[]): boolean => {
    if (ended) return false;
    let text = '';
    let finished = false;
    for (const event of events) {
      if (event.id <= last) continue;
      last = event.id;
      if (!options.visible(event)) continue;
      text += formatSse({ id: event.id, event: event.kind, data: options.present?.(event) ?? event });
      if (options.endAfter?.(event)) {
        finished = true;
        break;
      }
    }
    if (text !== '') enqueue(text);
    if (finished || (controller?.desiredSize ?? 0) < -MAX_BUFFERED_CHUNKS) end();
    return text !== '';
  };
  return new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      const unsubscribe = options.hub.subscribe((event) => {
        if (live) send([event]);
        else if (queued.length < MAX_QUEUED) queued.push(event);
        else overflow = true;
      });
      /** Ends the stream with an `error` event when the caller lost access; true when it did. */
      const recheck = (): boolean => {
        if (ended || options.access === undefined) return ended;
        const lost = options.access.check();
        if (lost === undefined) return false;
        enqueue(formatSse({ event: 'error', data: lost }));
        end();
        return true;
      };
      const unwatch = options.access?.onChange(() => void recheck()) ?? (() => {});
      const heartbeat = setInterval(() => {
        if (!recheck()) enqueue(': keep-alive\n\n');
      }, options.heartbeatMs);
      heartbeat.unref();
      const onAbort = () => end();
      cleanup = () => {
        cleanup = () => {};
        unwatch();
        unsubscribe();
        clearInterval(heartbeat);
        options.signal.removeEventListener('abort', onAbort);
        queued.length = 0;
        options.onClose?.();
      };
      if (options.signal.aborted) return end();
      options.signal.addEventListener('abort', onAbort);

      if (options.tail !== undefined) {
        last = Math.max(0, options.hub.latestId() - options.tail);
        return;
      }
      last = options.after;
      const oldest = options.hub.oldestId();
      if (options.after > options.hub.latestId()) {
        // An id from the future: the event log was reset (a new state file). Say so and start over.
        enqueue(
          formatSse({
            event: 'reset',
            data: {
              after: options.after,
              latest: options.hub.latestId(),
              message: `event ${options.after} is not in this server's log (it was reset); starting from its beginning`,
            },
          }),
        );
        last = 0;
      } else if (options.after > 0 && oldest > options.after + 1) {
        enqueue(
          formatSse({
            event: 'gap',
            data: {
              after: options.after,
              oldest,
              message: `events ${options.after + 1} to ${oldest - 1} are no longer kept; reload the state you show`,
            },
          }),
        );
      }
    },
    async pull(c) {
      // One page per pull, or more while pages show the caller nothing: a pull that enqueues
      // nothing is not called again.
      try {
        while (!live && !ended) {
          await turns.next();
          if (ended) return;
          const page = options.hub.backlog(last, BACKLOG_PAGE, options.operation);
          const sent = send(page);
          if (ended) return;
          if (page.length < BACKLOG_PAGE) {
            if (overflow) {
              // Live events were dropped while the backlog was read: they are in the log, read on.
              overflow = false;
              queued.length = 0;
            } else {
              live = true;
              send(queued.splice(0));
            }
          }
          if (sent) return;
        }
      } catch (error: unknown) {
        if (ended) return;
        ended = true;
        cleanup();
        c.error(error);
      }
    },
    cancel() {
      ended = true;
      cleanup();
    },
  });
}
