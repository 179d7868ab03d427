import type { AlertService } from '../alerts/service.js';
import { EventTail } from '../alerts/tail.js';
import type { BackgroundService } from './lifecycle.js';
import type { BerthParts } from './parts.js';

/**
 * Alerts, as a background service. They start before anything publishes and drain after the
 * producers, so their last events are still routed; `handle` only writes rows and wakes the channel
 * lanes: it never waits on one. This process's events are handled as they are published; the tail
 * reads, once a second, what other processes stored in the state file (`berth --local backup` from
 * cron) and routes it too, and on start what was stored while the server was stopped (up to a day
 * old: see src/alerts/tail.ts).
 */
export function alertRouting(
  parts: Pick<BerthParts, 'store' | 'clock' | 'events' | 'loggers'> & { readonly alerts: () => AlertService },
): BackgroundService {
  const { store, clock, events, loggers, alerts } = parts;
  const log = loggers.for('alerts');
  let stopLive: (() => void) | undefined;
  let tail: EventTail | undefined;
  return {
    name: 'alerts',
    start: () => {
      alerts().start();
      const started = new EventTail({
        store,
        clock,
        handle: (e) => alerts().handle(e),
        onError: (error) => log.warn({ err: error }, 'the events of other processes could not be read'),
        onTooOld: (count) =>
          log.warn({ events: count }, 'events stored more than a day ago were not routed to alerts'),
      });
      tail = started;
      stopLive = events().subscribe((e) => started.live(e));
      started.start();
    },
    drain: (graceMs) => alerts().drain(graceMs),
    close: async () => {
      stopLive?.();
      await tail?.stop();
    },
  };
}
