import type { StreamEvent } from '../api/events.js';
import type { EventStore, StoreEventInput } from '../store/index.js';

export type EventListener = (event: StreamEvent) => void;

/** What producers of events need: the operation runner and the container watcher. */
export interface EventPublisher {
  publish(input: StoreEventInput): StreamEvent;
}

/**
 * Berth's event bus: every event is stored first (so `Last-Event-ID` can resume it, across a
 * restart too), then handed to the live subscribers, in id order.
 */
export class EventHub implements EventPublisher {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly store: EventStore) {}

  publish(input: StoreEventInput): StreamEvent {
    const event = this.store.append(input);
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // One broken subscriber (a closed stream) must not stop the others or the publisher.
        this.listeners.delete(listener);
      }
    }
    return event;
  }

  /** Live events from now on; returns the unsubscribe function. */
  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stored events after `after`, oldest first, at most `limit`. */
  backlog(after: number, limit: number, operation?: string): StreamEvent[] {
    return this.store.after({ after, limit, ...(operation !== undefined ? { operation } : {}) });
  }

  oldestId(): number {
    return this.store.oldestId();
  }

  latestId(): number {
    return this.store.latestId();
  }

  get subscribers(): number {
    return this.listeners.size;
  }
}
