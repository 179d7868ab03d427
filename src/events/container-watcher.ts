import { BerthLabel, type Engine, type EngineEvent, isOneOff } from '../engine/model.js';
import type { StoreEventInput } from '../store/index.js';
import type { EventPublisher } from './hub.js';

/** Container actions worth an operator's attention; exec and attach noise is left out. */
export const WATCHED_ACTIONS = ['start', 'die', 'oom', 'health_status', 'destroy'] as const;

/** An engine event of a Berth container as an event of the log; undefined for anything else. */
export function containerEvent(e: EngineEvent): StoreEventInput | undefined {
  const stack = e.labels[BerthLabel.Stack];
  if (e.type !== 'container' || !stack || !(WATCHED_ACTIONS as readonly string[]).includes(e.action))
    return undefined;
  const service = e.labels[BerthLabel.Service];
  const name = e.name ?? e.id.slice(0, 12);
  const what =
    e.action === 'die'
      ? `exited${e.exitCode !== undefined ? ` with code ${e.exitCode}` : ''}`
      : e.action === 'health_status'
        ? `is ${e.actionDetail ?? 'unknown'}`
        : e.action === 'oom'
          ? 'ran out of memory'
          : e.action === 'start'
            ? 'started'
            : 'was removed';
  return {
    kind: 'container',
    type: e.action,
    stack,
    ...(service ? { service } : {}),
    message: `${name} ${what}`,
    data: {
      container: name,
      id: e.id,
      ...(e.exitCode !== undefined ? { exitCode: e.exitCode } : {}),
      ...(e.actionDetail !== undefined ? { detail: e.actionDetail } : {}),
      ...(isOneOff(e.labels) ? { oneOff: true } : {}),
    },
  };
}

/** An event of a one-off container (a job's, a drill's): streams leave these out unless asked. */
export function isOneOffContainerEvent(e: { readonly kind: string; readonly data?: unknown }): boolean {
  const data = e.data;
  return (
    e.kind === 'container' &&
    typeof data === 'object' &&
    data !== null &&
    !Array.isArray(data) &&
    'oneOff' in data &&
    data.oneOff === true
  );
}

export interface WatchDeps {
  readonly engine: () => Promise<Engine>;
  readonly events: EventPublisher;
  /**
   * Whether the server answers for a stack (its workspace's, or one it deployed); the events of any
   * other Berth stack on the engine (another server's) are left out. Absent: every stack's.
   */
  readonly accept?: (stack: string) => boolean | Promise<boolean>;
  readonly signal: AbortSignal;
  readonly logger?: { warn(obj: object, msg?: string): void };
  /** Waits between reconnections; injected so tests need not wait. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    // The signal lives as long as the server: each wait removes its listener, or they pile up.
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Publishes state changes of Berth's containers until `signal` aborts. When the engine goes away it
 * reconnects with backoff (1 s doubling to 30 s) and resumes from the last event's time.
 */
export async function watchContainerEvents(deps: WatchDeps): Promise<void> {
  const sleep = deps.sleep ?? defaultSleep;
  let since = Date.now();
  let backoff = 1000;
  while (!deps.signal.aborted) {
    try {
      const engine = await deps.engine();
      const stream = engine.events.stream(
        {
          filters: {
            types: ['container'],
            labels: { [BerthLabel.Stack]: true },
            actions: [...WATCHED_ACTIONS],
          },
          since,
        },
        deps.signal,
      );
      for await (const event of stream) {
        backoff = 1000;
        since = Math.max(since, event.time + 1);
        const input = containerEvent(event);
        if (input?.stack !== undefined && (deps.accept === undefined || (await deps.accept(input.stack))))
          deps.events.publish(input);
      }
    } catch (error: unknown) {
      if (deps.signal.aborted) return;
      deps.logger?.warn({ err: error, retryInMs: backoff }, 'engine event stream lost; reconnecting');
    }
    if (deps.signal.aborted) return;
    await sleep(backoff, deps.signal);
    backoff = Math.min(backoff * 2, 30_000);
  }
}
