import type { Clock } from '../clock.js';
import { BerthLabel, type Engine, type EventFilters } from '../engine/model.js';

/*
 * Wake-ups for the deploy's gates and waits: one engine event stream per deploy (or per gate when
 * a gate runs on its own) hands each container event to whoever waits on that container or
 * service, so a gate looks again the moment Docker reports a start, a death or a health status.
 */

/** The container events that can change a gate's verdict (exec and attach events cannot). */
const WAKING = new Set([
  'start',
  'restart',
  'die',
  'oom',
  'kill',
  'stop',
  'pause',
  'unpause',
  'destroy',
  'rename',
  'health_status',
]);

/** How long a broken event stream waits before it is opened again. */
const REOPEN_MS = 1000;

export interface ContainerWatch {
  /** `wake` runs on each event of this container until the returned function is called. */
  onContainer(id: string, wake: () => void): () => void;
  /** `wake` runs on each event of any container of this service. */
  onService(service: string, wake: () => void): () => void;
  close(): void;
}

function subscribe(map: Map<string, Set<() => void>>, key: string, wake: () => void): () => void {
  let set = map.get(key);
  if (set === undefined) {
    set = new Set();
    map.set(key, set);
  }
  set.add(wake);
  return () => {
    set.delete(wake);
    if (set.size === 0) map.delete(key);
  };
}

/**
 * Reads container events matching `filters` until closed. A stream that breaks is opened again
 * from the last event seen; meanwhile the gates' own timers keep them going.
 */
export function watchEvents(engine: Engine, clock: Clock, filters: EventFilters): ContainerWatch {
  const controller = new AbortController();
  const byContainer = new Map<string, Set<() => void>>();
  const byService = new Map<string, Set<() => void>>();
  let since = clock.now().getTime() - 1000;
  void (async () => {
    while (!controller.signal.aborted) {
      try {
        for await (const event of engine.events.stream({ filters, since }, controller.signal)) {
          since = Math.max(since, event.time);
          if (!WAKING.has(event.action)) continue;
          for (const wake of byContainer.get(event.id) ?? []) wake();
          const service = event.labels[BerthLabel.Service];
          if (service !== undefined) for (const wake of byService.get(service) ?? []) wake();
        }
      } catch {
        // The engine went away or the connection dropped: the gates' timers carry on meanwhile.
      }
      await clock.sleep(REOPEN_MS, controller.signal).catch(() => undefined);
    }
  })();
  return {
    onContainer: (id, wake) => subscribe(byContainer, id, wake),
    onService: (service, wake) => subscribe(byService, service, wake),
    close: () => controller.abort(new Error('watch closed')),
  };
}

/** Waits for one thing to happen: a wake-up, or a timer; a wake-up before the wait is kept. */
export class Wakeup {
  private woken = false;
  private cut: (() => void) | undefined;

  readonly wake = (): void => {
    this.woken = true;
    this.cut?.();
  };

  /** Resolves after `ms` or on a wake-up, whichever comes first; rejects when `signal` aborts. */
  async wait(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.woken) {
      this.woken = false;
      return;
    }
    const timer = new AbortController();
    const onAbort = () => timer.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    this.cut = () => timer.abort(WOKEN);
    try {
      await clock.sleep(Math.max(0, ms), timer.signal);
    } catch (error: unknown) {
      if (error !== WOKEN) throw error;
    } finally {
      this.cut = undefined;
      this.woken = false;
      signal?.removeEventListener('abort', onAbort);
    }
  }
}

const WOKEN = new Error('woken');
