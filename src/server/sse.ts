import type { StreamEvent } from '../api/events.js';
import type { EventHub } from '../events/hub.js';

const BACKLOG_PAGE = 500;

/** One event in the SSE wire format; `data` is one line of JSON, so it never breaks the framing. */
export function formatSse(event: { id?: number; event: string; data: unknown }): string {
  const id = event.id === undefined ? '' : `id: ${event.id}\n`;
  return `${id}event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

export interface EventStreamOptions {
  readonly hub: EventHub;
  /** Resume after this id (`Last-Event-ID`); 0 sends the whole kept log. */
  readonly after: number;
  /** Only events of one operation (read from its index). */
  readonly operation?: string;
  /** Which events this caller may see and asked for. */
  readonly visible: (event: StreamEvent) => boolean;
  /** The stream ends after an event for which this is true (an operation's `finished`). */
  readonly endAfter?: (event: StreamEvent) => boolean;
  readonly signal: AbortSignal;
  readonly heartbeatMs: number;
}

/**
 * Backlog then live events, without a gap or a duplicate: the subscription starts before the
 * backlog is read, and live events at or below the last id sent are dropped. When the resume point
 * is older than the oldest event kept, a `gap` event says so rather than pretending nothing happened;
 * an id newer than any stored (the log was reset) gets a `reset` event and the whole log.
 */
export function eventStream(options: EventStreamOptions): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cleanup = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let last = options.after;
      let live = false;
      let ended = false;
      const queued: StreamEvent[] = [];
      const end = () => {
        if (ended) return;
        ended = true;
        cleanup();
        controller.close();
      };
      const send = (event: StreamEvent) => {
        if (ended || event.id <= last) return;
        last = event.id;
        if (!options.visible(event)) return;
        controller.enqueue(encoder.encode(formatSse({ id: event.id, event: event.kind, data: event })));
        if (options.endAfter?.(event)) end();
      };
      const unsubscribe = options.hub.subscribe((event) => {
        if (live) send(event);
        else queued.push(event);
      });
      const heartbeat = setInterval(() => {
        if (!ended) controller.enqueue(encoder.encode(': keep-alive\n\n'));
      }, options.heartbeatMs);
      heartbeat.unref();
      const onAbort = () => end();
      cleanup = () => {
        unsubscribe();
        clearInterval(heartbeat);
        options.signal.removeEventListener('abort', onAbort);
      };
      if (options.signal.aborted) return end();
      options.signal.addEventListener('abort', onAbort);

      const oldest = options.hub.oldestId();
      if (options.after > options.hub.latestId()) {
        // An id from the future: the event log was reset (a new state file). Say so and start over.
        controller.enqueue(
          encoder.encode(
            formatSse({
              event: 'reset',
              data: {
                after: options.after,
                latest: options.hub.latestId(),
                message: `event ${options.after} is not in this server's log (it was reset); starting from its beginning`,
              },
            }),
          ),
        );
        last = 0;
      } else if (options.after > 0 && oldest > options.after + 1) {
        controller.enqueue(
          encoder.encode(
            formatSse({
              event: 'gap',
              data: {
                after: options.after,
                oldest,
                message: `events ${options.after + 1} to ${oldest - 1} are no longer kept; reload the state you show`,
              },
            }),
          ),
        );
      }
      for (;;) {
        const page = options.hub.backlog(last, BACKLOG_PAGE, options.operation);
        for (const event of page) send(event);
        if (ended || page.length < BACKLOG_PAGE) break;
      }
      live = true;
      for (const event of queued.splice(0)) send(event);
    },
    cancel() {
      cleanup();
    },
  });
}
