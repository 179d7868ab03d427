import type Database from 'better-sqlite3';
import { z } from 'zod';
import { AUDIT_PAGE_MAX, type AuditOutcome, AuditOutcomeSchema } from '../api/audit-log.js';
import { guard, StoreError } from './errors.js';
import { fromJsonText, JsonSchema, type JsonValue, parseInput, parseRow, toJsonText } from './json.js';

/** Longest stored actor, action, target or request id; longer ones are cut (an entry is never refused). */
export const AUDIT_TEXT_LIMIT = 256;
/** Largest stored detail, as JSON text; a larger one is replaced by a marker giving its size. */
export const AUDIT_DETAIL_LIMIT = 8192;

const AtSchema = z.union([z.date(), z.iso.datetime()]);
const ResultSchema = AuditOutcomeSchema.exclude(['started']);

export const AuditEntryInputSchema = z.object({
  /** When it happened: a Date or an ISO-8601 UTC timestamp. */
  at: AtSchema,
  /** Who: a username, or `unknown:<hash>` for a name that is no user (never the text tried). */
  actor: z.string().min(1),
  /** What, as a stable dotted name, e.g. `auth.login` or `user.delete`. */
  action: z.string().min(1),
  target: z.string().optional(),
  /** How it ended (`started` is only for `start`). */
  outcome: ResultSchema,
  requestId: z.string().min(1),
  /** Extra facts. The caller keeps secrets out: this is stored and shown as given. */
  detail: JsonSchema.optional(),
});
export type AuditEntryInput = z.input<typeof AuditEntryInputSchema>;

/** An entry written when a request starts: its outcome is `started` until `finish` gives it one. */
export const AuditStartInputSchema = AuditEntryInputSchema.omit({ outcome: true });
export type AuditStartInput = z.input<typeof AuditStartInputSchema>;

/** How a started request ended. `target` and `detail`, when given, replace the ones given at the start. */
export const AuditFinishInputSchema = z.object({
  at: AtSchema,
  outcome: ResultSchema,
  target: z.string().optional(),
  detail: JsonSchema.optional(),
});
export type AuditFinishInput = z.input<typeof AuditFinishInputSchema>;

export interface AuditEntry {
  /** Increasing with every append: the order of the log and the pagination cursor. */
  id: number;
  at: string;
  actor: string;
  action: string;
  target?: string;
  outcome: AuditOutcome;
  requestId: string;
  detail?: JsonValue;
  /** When the request ended, for an entry written at its start (`at`); absent while it runs, and on entries appended whole. */
  endedAt?: string;
}

export interface AuditPage {
  /** Newest first. */
  items: AuditEntry[];
  /** Pass as `before` to get the next (older) page; absent on the last page. */
  nextBefore?: number;
}

const ListOptionsSchema = z.object({
  limit: z.number().int().min(1).max(AUDIT_PAGE_MAX),
  before: z.number().int().positive().optional(),
  /** Exact-match filters; pagination stays keyset on id among the matching entries. */
  actor: z.string().min(1).optional(),
  action: z.string().min(1).optional(),
  target: z.string().min(1).optional(),
});
export type AuditListOptions = z.input<typeof ListOptionsSchema>;

/**
 * Append-only by design: there is no delete, and the only change is the one `finish` makes (a started
 * entry gets its outcome once); the schema's triggers refuse anything else.
 */
export interface AuditLogStore {
  /** A complete entry (what happened and how it ended, at once). */
  append(entry: AuditEntryInput): AuditEntry;
  /** An entry for a request that starts now: outcome `started` until `finish`. */
  start(entry: AuditStartInput): AuditEntry;
  /** Gives a started entry its outcome; STORE_INVALID_STATE when it has one already. */
  finish(id: number, end: AuditFinishInput): AuditEntry;
  /** Keyset pagination on id: stable while new entries arrive. Optional exact filters on actor, action, target. */
  list(options: AuditListOptions): AuditPage;
}

const AuditRowSchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  outcome: AuditOutcomeSchema,
  request_id: z.string(),
  detail_json: z.string().nullable(),
  ended_at: z.string().nullable(),
});

function cut(text: string): string {
  return text.length <= AUDIT_TEXT_LIMIT ? text : `${text.slice(0, AUDIT_TEXT_LIMIT - 1)}…`;
}

function detailText(detail: JsonValue | undefined): string | null {
  if (detail === undefined) return null;
  const text = toJsonText(detail, 'audit detail');
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes <= AUDIT_DETAIL_LIMIT ? text : JSON.stringify({ truncated: true, bytes });
}

const isoOf = (at: Date | string): string => (at instanceof Date ? at.toISOString() : at);

function toEntry(row: unknown): AuditEntry {
  const r = parseRow(row, AuditRowSchema, 'audit entry');
  const entry: AuditEntry = {
    id: r.id,
    at: r.at,
    actor: r.actor,
    action: r.action,
    outcome: r.outcome,
    requestId: r.request_id,
  };
  if (r.target !== null) entry.target = r.target;
  if (r.detail_json !== null) entry.detail = fromJsonText(r.detail_json, JsonSchema, 'audit detail');
  if (r.ended_at !== null) entry.endedAt = r.ended_at;
  return entry;
}

export function createAuditLogStore(db: Database.Database): AuditLogStore {
  const q = {
    insert: db.prepare(
      `INSERT INTO audit_log (at, actor, action, target, outcome, request_id, detail_json, ended_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    ),
    finish: db.prepare(
      `UPDATE audit_log SET outcome = ?, ended_at = ?, target = coalesce(?, target),
         detail_json = coalesce(?, detail_json)
       WHERE id = ? AND outcome = 'started' RETURNING *`,
    ),
    byId: db.prepare('SELECT * FROM audit_log WHERE id = ?'),
    // One more row than asked tells whether an older page exists. A NULL parameter disables its filter.
    list: db.prepare(
      `SELECT * FROM audit_log
       WHERE (@before IS NULL OR id < @before)
         AND (@actor IS NULL OR actor = @actor)
         AND (@action IS NULL OR action = @action)
         AND (@target IS NULL OR target = @target)
       ORDER BY id DESC LIMIT @limit`,
    ),
  };
  return {
    append: (input) =>
      guard(() => {
        const e = parseInput(input, AuditEntryInputSchema, 'audit entry');
        const at = isoOf(e.at);
        const row = q.insert.get(
          at,
          cut(e.actor),
          cut(e.action),
          e.target === undefined ? null : cut(e.target),
          e.outcome,
          cut(e.requestId),
          detailText(e.detail),
          null,
        );
        return toEntry(row);
      }),
    start: (input) =>
      guard(() => {
        const e = parseInput(input, AuditStartInputSchema, 'audit entry');
        const row = q.insert.get(
          isoOf(e.at),
          cut(e.actor),
          cut(e.action),
          e.target === undefined ? null : cut(e.target),
          'started',
          cut(e.requestId),
          detailText(e.detail),
          null,
        );
        return toEntry(row);
      }),
    finish: (id, end) =>
      guard(() => {
        const e = parseInput(end, AuditFinishInputSchema, 'audit outcome');
        const row = q.finish.get(
          e.outcome,
          isoOf(e.at),
          e.target === undefined ? null : cut(e.target),
          detailText(e.detail),
          id,
        );
        if (row !== undefined) return toEntry(row);
        const exists = q.byId.get(id) !== undefined;
        throw new StoreError(
          exists ? 'STORE_INVALID_STATE' : 'STORE_NOT_FOUND',
          exists ? `audit entry ${id} has its outcome already` : `no audit entry ${id}`,
          'an entry gets its outcome once, from the request that started it',
        );
      }),
    list: (options) =>
      guard(() => {
        const o = parseInput(options, ListOptionsSchema, 'audit list options');
        const rows = q.list.all({
          before: o.before ?? null,
          // Stored texts are cut, so a filter is cut the same way to match them.
          actor: o.actor === undefined ? null : cut(o.actor),
          action: o.action === undefined ? null : cut(o.action),
          target: o.target === undefined ? null : cut(o.target),
          limit: o.limit + 1,
        });
        const items = rows.slice(0, o.limit).map(toEntry);
        const last = items.at(-1);
        return rows.length > o.limit && last !== undefined ? { items, nextBefore: last.id } : { items };
      }),
  };
}
