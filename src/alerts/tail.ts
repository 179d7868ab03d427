import type { StreamEvent } from '../api/events.js';
import type { Clock } from '../clock.js';
import type { EventCursorStore, EventStore } from '../store/index.js';
import { handOver, prune, skipOwn, startCursor } from './tail-cursor.js';

/** The name of the tail's saved cursor in the store. */
export const ALERTS_CURSOR = 'alerts';
export const TAIL_INTERVAL_MS = 1000;
const PAGE = 500;
/** Pages read per tick at most, so a long catch-up does not hold the event loop: the rest follows. */
const PAGES_PER_TICK = 20;

export interface EventTailDeps {
  readonly store: () => { readonly events: EventStore; readonly eventCursors: EventCursorStore };
  readonly clock: Clock;
  /** Alerting's `handle`: called once per event, whichever process stored it. */
  readonly handle: (event: StreamEvent) => void;
  readonly intervalMs?: number;
  readonly boundMs?: number;
  readonly onError?: (error: unknown) => void;
  /** Told how many stored events were too old to route when catching up. */
  readonly onTooOld?: (count: number) => void;
}

/**
 * Alerting for every event in the state file, not only this process's: the events this process
 * publishes go to `live` (handled at once, as they are published); every interval the tail reads
 * what other processes stored (the CLI with --local, a cron backup) and hands those to `handle`.
 * The read is skipped while SQLite's data_version says no other connection committed. The cursor is
 * saved, so a restart routes what was stored while the server was stopped (within the bound).
 */
export class EventTail {
  private cursor = 0;
  private saved: number | undefined;
  /** Ids after the cursor that were handled live. */
  private readonly handled = new Set<number>();
  private seenVersion: number | undefined;
  /** More to read than the last tick did (or the first read after start): read whatever data_version says. */
  private behind = true;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly deps: EventTailDeps) {}

  /** Places the cursor and starts reading on the interval. */
  start(): void {
    if (this.loop !== undefined || this.stopping.signal.aborted) return;
    const store = this.deps.store();
    this.saved = store.eventCursors.get(ALERTS_CURSOR)?.eventId;
    this.cursor = startCursor(this.saved, store.events.latestId());
    this.loop = this.run();
  }

  /** An event this process published: handled now, and never again by the tail. */
  live(event: StreamEvent): void {
    if (event.id > this.cursor) this.handled.add(event.id);
    this.deps.handle(event);
  }

  /** One read (the interval calls it; exposed for tests). Never throws. */
  tick(): void {
    try {
      const store = this.deps.store();
      // Read before the events: a commit after this point changes it again, and is read next time.
      const version = store.eventCursors.foreignVersion();
      const foreign = version !== this.seenVersion;
      this.seenVersion = version;
      if (foreign || this.behind) this.read(store.events);
      else this.cursor = skipOwn(this.cursor, this.handled);
      prune(this.handled, this.cursor);
      if (this.cursor !== this.saved) this.save();
    } catch (error: unknown) {
      this.deps.onError?.(error);
    }
  }

  /** Stops reading and saves where it is. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    if (this.loop === undefined) return;
    try {
      if (this.behind === false && this.seenVersion === this.deps.store().eventCursors.foreignVersion()) {
        this.cursor = skipOwn(this.cursor, this.handled);
      }
      if (this.cursor !== this.saved) this.save();
    } catch (error: unknown) {
      this.deps.onError?.(error);
    }
  }

  /** Where the tail is (tests). */
  get position(): number {
    return this.cursor;
  }

  private read(events: EventStore): void {
    for (let page = 0; page < PAGES_PER_TICK; page++) {
      const batch = events.after({ after: this.cursor, limit: PAGE });
      const next = handOver(
        batch,
        this.cursor,
        this.handled,
        this.deps.clock.now().getTime(),
        this.deps.boundMs,
      );
      for (const event of next.hand) this.deps.handle(event);
      if (next.tooOld > 0) this.deps.onTooOld?.(next.tooOld);
      this.cursor = next.cursor;
      if (batch.length < PAGE) {
        this.behind = false;
        return;
      }
    }
    this.behind = true;
  }

  private save(): void {
    this.deps.store().eventCursors.set(ALERTS_CURSOR, this.cursor);
    this.saved = this.cursor;
  }

  private async run(): Promise<void> {
    const interval = this.deps.intervalMs ?? TAIL_INTERVAL_MS;
    // The first read at once: what was stored while the server was stopped.
    this.tick();
    while (!this.stopping.signal.aborted) {
      try {
        await this.deps.clock.sleep(interval, this.stopping.signal);
      } catch {
        return;
      }
      this.tick();
    }
  }
}
