import { ApiError } from './problem.js';

/** How many long-lived streams (events, logs) may be open at once. */
export interface StreamLimits {
  /** Per user (a user's tokens and sessions together). */
  readonly perPrincipal: number;
  /** On the whole server. */
  readonly total: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { perPrincipal: 10, total: 500 };

/** Seconds a refused client is told to wait before it opens a stream again. */
export const STREAM_RETRY_AFTER_SECONDS = 5;

/** Counts open streams; a stream over a limit is refused with 429 and `Retry-After`. */
export class StreamSlots {
  private open = 0;
  private readonly byPrincipal = new Map<string, number>();

  constructor(private readonly limits: StreamLimits = DEFAULT_STREAM_LIMITS) {}

  /** Takes a slot for one stream of `who`, or throws 429; the returned function gives it back (once). */
  acquire(who: string): () => void {
    const mine = this.byPrincipal.get(who) ?? 0;
    const retry = { headers: { 'Retry-After': String(STREAM_RETRY_AFTER_SECONDS) } };
    if (mine >= this.limits.perPrincipal) {
      throw new ApiError(
        'TOO_MANY_STREAMS',
        429,
        `you have ${mine} streams open, the most one user may have (events and logs together)`,
        'close a stream you no longer read (another tab, a forgotten `berth logs -f`), then retry',
        retry,
      );
    }
    if (this.open >= this.limits.total) {
      throw new ApiError(
        'TOO_MANY_STREAMS',
        429,
        `the server has ${this.open} streams open, the most it serves at once`,
        `retry after ${STREAM_RETRY_AFTER_SECONDS} seconds`,
        retry,
      );
    }
    this.open++;
    this.byPrincipal.set(who, mine + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.open--;
      const left = (this.byPrincipal.get(who) ?? 1) - 1;
      if (left > 0) this.byPrincipal.set(who, left);
      else this.byPrincipal.delete(who);
    };
  }

  /** Streams open now. */
  get size(): number {
    return this.open;
  }
}
