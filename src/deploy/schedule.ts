import type { StartAfter } from './desired.js';

/*
 * Which changed services a deploy may start now. A service starts as soon as every dependency this
 * deploy also changes has got as far as the dependency needs (`started`: its new container runs;
 * `ready`: it passed its gate), not when a whole level is done. Dependencies the deploy leaves
 * alone are checked against their running containers by the caller. At most `limit` services are
 * being applied at once. Pure.
 */

/** How far a changed service has got: its first new container started, or every replica passed. */
export type Progress = 'started' | 'ready';

export interface ScheduleState {
  /** Changed services not started yet, in the order they should start when several may. */
  readonly waiting: readonly string[];
  /** How many services are being applied now. */
  readonly running: number;
  readonly limit: number;
  /** Every service this deploy changes: only these can hold a dependent back. */
  readonly changed: ReadonlySet<string>;
  readonly progress: ReadonlyMap<string, Progress>;
  readonly startAfter: (service: string) => readonly StartAfter[];
}

function reached(progress: Progress | undefined, until: StartAfter['until']): boolean {
  return progress === 'ready' || (progress === 'started' && until === 'started');
}

/** The dependencies still holding `service` back. */
export function holdingBack(state: Omit<ScheduleState, 'waiting' | 'running' | 'limit'>, service: string) {
  return state
    .startAfter(service)
    .filter(
      (need) => state.changed.has(need.service) && !reached(state.progress.get(need.service), need.until),
    );
}

/** The waiting services that may start now, in `waiting` order, within the limit. */
export function startable(state: ScheduleState): string[] {
  const room = Math.max(0, state.limit - state.running);
  const out: string[] = [];
  for (const service of state.waiting) {
    if (out.length >= room) break;
    if (holdingBack(state, service).length === 0) out.push(service);
  }
  return out;
}

/**
 * True when nothing runs and nothing waiting can ever start: the dependencies left cannot progress.
 * Cannot happen with an acyclic graph whose changed services all run; checked so a bug shows as an
 * error, never as a deploy that hangs.
 */
export function isStuck(state: ScheduleState): boolean {
  return state.running === 0 && state.waiting.length > 0 && startable(state).length === 0;
}
