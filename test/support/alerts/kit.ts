import { AlertService } from '../../../src/alerts/service.js';
import type { Clock } from '../../../src/clock.js';
import type { AlertChannel, AlertRule } from '../../../src/config/alert-resolve.js';
import { EventHub } from '../../../src/events/hub.js';
import type { Store } from '../../../src/store/index.js';

// An AlertService over a store, wired as the composition root wires it: the hub's events go to
// `handle`, dead letters come back to the hub.

export const EVERY_SEVERITY = ['critical', 'error', 'warning', 'info'] as const;

export function webhook(name: string, url: string, extra: Partial<AlertChannel> = {}): AlertChannel {
  return { name, type: 'webhook', timeoutMs: 10_000, url, ...extra } as AlertChannel;
}

export interface LogLine {
  readonly level: 'warn' | 'error';
  readonly obj: object;
  readonly msg?: string;
}

export function alertKit(options: {
  clock: Clock;
  store: () => Store;
  channels: readonly AlertChannel[];
  rules?: readonly AlertRule[];
}) {
  const logs: LogLine[] = [];
  const hub = new EventHub(options.store().events);
  const channels = Object.fromEntries(options.channels.map((c) => [c.name, c]));
  const service = new AlertService({
    store: options.store,
    clock: options.clock,
    settings: () => ({
      channels,
      rules: options.rules ?? [{ channels: Object.keys(channels), severities: [...EVERY_SEVERITY] }],
    }),
    logger: {
      warn: (obj, msg) => logs.push({ level: 'warn', obj, ...(msg !== undefined ? { msg } : {}) }),
      error: (obj, msg) => logs.push({ level: 'error', obj, ...(msg !== undefined ? { msg } : {}) }),
    },
    events: () => hub,
  });
  const unsubscribe = hub.subscribe((event) => service.handle(event));
  return { service, hub, logs, unsubscribe };
}
