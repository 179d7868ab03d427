import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { isoNow } from './clock.js';
import { guard } from './errors.js';
import { parseInput, parseRow } from './json.js';

/** Where a named reader of the event log is: every event up to `eventId` was read. */
export interface EventCursor {
  readonly eventId: number;
  readonly updatedAt: string;
}

export interface EventCursorStore {
  get(name: string): EventCursor | undefined;
  /** Records (or moves) the cursor `name`. */
  set(name: string, eventId: number): void;
  /**
   * SQLite's data_version of this connection: it changes when another connection (another process,
   * such as the CLI with --local) commits to the state file, never on this connection's own writes.
   */
  foreignVersion(): number;
}

const Row = z.object({ event_id: z.number().int(), updated_at: z.string() });
const Input = z.object({ name: z.string().min(1), eventId: z.number().int().nonnegative() });

export function createEventCursorStore(db: Database.Database, clock: Pick<Clock, 'now'>): EventCursorStore {
  const q = {
    get: db.prepare('SELECT event_id, updated_at FROM event_cursors WHERE name = ?'),
    set: db.prepare(
      `INSERT INTO event_cursors (name, event_id, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET event_id = excluded.event_id, updated_at = excluded.updated_at`,
    ),
    version: db.prepare('PRAGMA data_version').pluck(),
  };
  return {
    get: (name) =>
      guard(() => {
        const row = q.get.get(name);
        if (row === undefined) return undefined;
        const r = parseRow(row, Row, 'event cursor');
        return { eventId: r.event_id, updatedAt: r.updated_at };
      }),
    set: (name, eventId) =>
      guard(() => {
        const input = parseInput({ name, eventId }, Input, 'event cursor');
        q.set.run(input.name, input.eventId, isoNow(clock));
      }),
    foreignVersion: () => guard(() => Number(q.version.get())),
  };
}
