import type { StartAfter } from './desired.js';
import { holdingBack, isStuck, type Progress, type ScheduleState, startable } from './schedule.js';

/** Services being applied (started and gated) at once, however many may start. */
export const MAX_PARALLEL_SERVICES = 16;

export type OrderOutcome =
  | { readonly ok: true }
  /** The first service that failed; the others were aborted (their errors are not failures). */
  | { readonly ok: false; readonly service: string; readonly error: unknown }
  /** Nothing runs and nothing waiting can start: a bug, reported rather than waited out. */
  | { readonly ok: false; readonly stuck: readonly string[] };

export interface OrderedRun {
  /** The changed services, in the order to start them when several may. */
  readonly services: readonly string[];
  readonly startAfter: (service: string) => readonly StartAfter[];
  /** Told once, before anything starts, what each service waits for. */
  readonly onHeld?: (service: string, need: StartAfter) => void;
  /** Told once per service, when its first new container runs (what its dependents can prepare for). */
  readonly onStarted?: (service: string) => void;
  /** Applies one service; calls `started` once its first new container runs. */
  readonly run: (service: string, signal: AbortSignal, started: () => void) => Promise<void>;
  readonly limit?: number;
}

/**
 * Runs every service as soon as the services it depends on got far enough (schedule.ts), at most
 * `limit` at once. The first failure aborts the others (their gates are not waited out) and
 * nothing more starts; it resolves once every started run has settled.
 */
export function runInDependencyOrder(input: OrderedRun): Promise<OrderOutcome> {
  const changed = new Set(input.services);
  const progress = new Map<string, Progress>();
  const waiting = [...input.services];
  const stop = new AbortController();
  let outcome: OrderOutcome | undefined;
  let running = 0;
  const state = (): ScheduleState => ({
    waiting,
    running,
    limit: input.limit ?? MAX_PARALLEL_SERVICES,
    changed,
    progress,
    startAfter: input.startAfter,
  });
  for (const service of waiting)
    for (const need of holdingBack(state(), service)) input.onHeld?.(service, need);
  return new Promise<OrderOutcome>((resolve) => {
    const pump = (): void => {
      if (outcome === undefined) {
        for (const service of startable(state())) {
          waiting.splice(waiting.indexOf(service), 1);
          running++;
          const started = () => {
            if (progress.has(service)) return;
            progress.set(service, 'started');
            input.onStarted?.(service);
            queueMicrotask(pump);
          };
          input
            .run(service, stop.signal, started)
            .then(
              () => progress.set(service, 'ready'),
              (error: unknown) => {
                if (!stop.signal.aborted) outcome ??= { ok: false, service, error };
                stop.abort(new Error('another service of this deploy failed'));
              },
            )
            .finally(() => {
              running--;
              pump();
            });
        }
        if (isStuck(state())) outcome = { ok: false, stuck: [...waiting] };
      }
      if (running === 0 && (outcome !== undefined || waiting.length === 0)) resolve(outcome ?? { ok: true });
    };
    pump();
  });
}
