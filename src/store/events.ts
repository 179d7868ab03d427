import type Database from 'better-sqlite3';
import { z } from 'zod';
import { EventKindSchema, type StreamEvent } from '../api/events.js';
import type { Clock } from '../clock.js';
import { isoNow } from './clock.js';
import { guard } from './errors.js';
import { fromJsonText, JsonSchema, parseInput, parseRow, toJsonText } from './json.js';

/** How many events the log keeps; older ones are pruned, and a resume from before them is told so. */
export const EVENT_RETENTION = 20_000;

const EventInputSchema = z.object({
  kind: EventKindSchema,
  /** Within the kind: `started`/`finished` for operations, the deploy event type, the engine action. */
  type: z.string().min(1),
  stack: z.string().min(1).optional(),
  service: z.string().min(1).optional(),
  operation: z.string().min(1).optional(),
  message: z.string(),
  /** Plain data, stored as JSON.stringify writes it. */
  data: z.unknown().optional(),
});
export type EventInput = z.input<typeof EventInputSchema>;

export interface EventQuery {
  /** Events after this id (exclusive). */
  readonly after: number;
  readonly limit: number;
  readonly operation?: string;
}

export interface EventStore {
  append(input: EventInput): StreamEvent;
  /** Oldest first. */
  after(query: EventQuery): StreamEvent[];
  /** The smallest id still kept (0 when empty): a resume from before it missed events. */
  oldestId(): number;
  /** The newest id (0 when empty). */
  latestId(): number;
}

const RowSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  kind: EventKindSchema,
  type: z.string(),
  stack: z.string().nullable(),
  service: z.string().nullable(),
  operation: z.string().nullable(),
  message: z.string(),
  data_json: z.string().nullable(),
});

function toEvent(row: unknown): StreamEvent {
  const r = parseRow(row, RowSchema, 'event');
  return {
    id: r.id,
    at: r.at,
    kind: r.kind,
    type: r.type,
    ...(r.stack !== null ? { stack: r.stack } : {}),
    ...(r.service !== null ? { service: r.service } : {}),
    ...(r.operation !== null ? { operation: r.operation } : {}),
    message: r.message,
    ...(r.data_json !== null ? { data: fromJsonText(r.data_json, JsonSchema, `data of event ${r.id}`) } : {}),
  };
}

/** Prunes every this many appends, so the log stays near EVENT_RETENTION rows without a timer. */
const PRUNE_EVERY = 500;

export function createEventStore(
  db: Database.Database,
  clock: Pick<Clock, 'now'>,
  retention = EVENT_RETENTION,
): EventStore {
  const q = {
    insert: db.prepare(
      `INSERT INTO events (at, kind, type, stack, service, operation, message, data_json)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    ),
    after: db.prepare('SELECT * FROM events WHERE id > ? ORDER BY id LIMIT ?'),
    afterForOperation: db.prepare('SELECT * FROM events WHERE operation = ? AND id > ? ORDER BY id LIMIT ?'),
    oldest: db.prepare('SELECT MIN(id) AS id FROM events'),
    latest: db.prepare('SELECT MAX(id) AS id FROM events'),
    prune: db.prepare('DELETE FROM events WHERE id <= ?'),
  };
  let appended = 0;
  const idOf = (row: unknown): number => (row as { id: number | null }).id ?? 0;
  return {
    append: (input) =>
      guard(() => {
        const e = parseInput(input, EventInputSchema, 'event');
        const row = q.insert.get(
          isoNow(clock),
          e.kind,
          e.type,
          e.stack ?? null,
          e.service ?? null,
          e.operation ?? null,
          e.message,
          e.data === undefined ? null : toJsonText(e.data, 'event data'),
        );
        const event = toEvent(row);
        if (++appended % PRUNE_EVERY === 0) q.prune.run(event.id - retention);
        return event;
      }),
    after: (query) =>
      guard(() =>
        (query.operation === undefined
          ? q.after.all(query.after, query.limit)
          : q.afterForOperation.all(query.operation, query.after, query.limit)
        ).map(toEvent),
      ),
    oldestId: () => guard(() => idOf(q.oldest.get())),
    latestId: () => guard(() => idOf(q.latest.get())),
  };
}
