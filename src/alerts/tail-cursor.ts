import type { StreamEvent } from '../api/events.js';

/**
 * The pure part of the server's event tail (tail.ts): where it starts, which stored events it hands
 * to alerting, and which ids it must still remember. Events this process published were handled
 * as they were published; the tail hands over only the others (another process's, such as the CLI
 * with --local), once each.
 */

/** Stored events older than this are not routed when the tail catches up (no storm after a long stop). */
export const CATCH_UP_BOUND_MS = 24 * 3_600_000;

/**
 * Where the tail starts: after the cursor it saved (what was stored while the server was stopped is
 * routed), or after the newest event on the first start (history is not replayed as alerts). A saved
 * cursor past the newest event (a state file put back from a copy) starts from the newest.
 */
export function startCursor(saved: number | undefined, latest: number): number {
  if (saved === undefined || saved > latest) return latest;
  return saved;
}

export interface HandOver {
  /** The events to hand to alerting, oldest first. */
  readonly hand: StreamEvent[];
  /** Events older than the bound, passed over. */
  readonly tooOld: number;
  /** The new cursor: the last event read, or the old cursor when none was. */
  readonly cursor: number;
}

/** Of `events` (read after `cursor`, oldest first): those not handled live and not older than the bound. */
export function handOver(
  events: readonly StreamEvent[],
  cursor: number,
  handled: ReadonlySet<number>,
  now: number,
  boundMs: number = CATCH_UP_BOUND_MS,
): HandOver {
  const hand: StreamEvent[] = [];
  let tooOld = 0;
  let last = cursor;
  for (const event of events) {
    if (event.id <= last) continue;
    last = event.id;
    if (handled.has(event.id)) continue;
    const at = Date.parse(event.at);
    if (Number.isFinite(at) && now - at > boundMs) {
      tooOld++;
      continue;
    }
    hand.push(event);
  }
  return { hand, tooOld, cursor: last };
}

/**
 * When no other connection committed since the last read, every event after the cursor is one this
 * process published and handled: the cursor moves to the newest of them.
 */
export function skipOwn(cursor: number, handled: ReadonlySet<number>): number {
  let next = cursor;
  for (const id of handled) if (id > next) next = id;
  return next;
}

/** Forgets the ids the cursor has passed (they are never read again). */
export function prune(handled: Set<number>, cursor: number): void {
  for (const id of handled) if (id <= cursor) handled.delete(id);
}
