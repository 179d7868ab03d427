/** Injected so tests control time and store code never reads the wall clock itself. */
export interface Clock {
  now(): Date;
}

export function isoNow(clock: Clock): string {
  return clock.now().toISOString();
}
