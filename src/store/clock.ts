import type { Clock } from '../clock.js';

/** The clock's time as the store writes it: ISO-8601 UTC. Store code never reads the wall clock itself. */
export function isoNow(clock: Pick<Clock, 'now'>): string {
  return clock.now().toISOString();
}
