import type Database from 'better-sqlite3';
import { z } from 'zod';
import { type ErrorInfo, ErrorInfoSchema } from '../api/http.js';
import {
  type OperationKind,
  OperationKindSchema,
  type OperationRecord,
  type OperationStatus,
  OperationStatusSchema,
} from '../api/operations.js';
import type { Clock } from '../clock.js';
import { isoNow } from './clock.js';
import { guard, notFound, StoreError } from './errors.js';
import { fromJsonText, JsonSchema, parseInput, parseRow, toJsonText } from './json.js';
import { LockOwnerSchema } from './locks.js';

/**
 * The process that runs an operation: a stack lock's owner (pid, host, a random token) and which
 * Berth process it is, so that a start tells a dead process's operations from a live one's.
 */
export const OperationOwnerSchema = LockOwnerSchema.extend({
  /** `serve`: a `berth serve` process; `local`: a CLI command run with `--local`. */
  process: z.enum(['serve', 'local']),
});
export type OperationOwner = z.infer<typeof OperationOwnerSchema>;

export interface OperationStore {
  start(input: {
    id: string;
    stack: string;
    kind: OperationKind;
    actor: string;
    requestId: string;
    /** The process running it; absent: none recorded (taken for a previous server's). */
    owner?: OperationOwner;
  }): OperationRecord;
  get(id: string): OperationRecord | undefined;
  /** Ends a running operation; ending one twice is refused (STORE_INVALID_STATE). */
  finish(
    id: string,
    outcome: {
      status: Exclude<OperationStatus, 'running'>;
      /** Plain data, stored as JSON.stringify writes it. */
      result?: unknown;
      error?: ErrorInfo;
    },
  ): OperationRecord;
  running(): OperationRecord[];
  /** The process that ran (or runs) an operation; undefined when none was recorded (before owners). */
  ownerOf(id: string): OperationOwner | undefined;
  /** A stack's operations, newest first. */
  list(stack: string, limit: number): OperationRecord[];
}

const RowSchema = z.object({
  id: z.string(),
  stack: z.string(),
  kind: OperationKindSchema,
  actor: z.string(),
  request_id: z.string(),
  status: OperationStatusSchema,
  started_at: z.string(),
  finished_at: z.string().nullable(),
  result_json: z.string().nullable(),
  error_json: z.string().nullable(),
  owner_json: z.string().nullable(),
});

function toOperation(row: unknown): OperationRecord {
  const r = parseRow(row, RowSchema, 'operation');
  return {
    id: r.id,
    stack: r.stack,
    kind: r.kind,
    actor: r.actor,
    requestId: r.request_id,
    status: r.status,
    startedAt: r.started_at,
    ...(r.finished_at !== null ? { finishedAt: r.finished_at } : {}),
    ...(r.result_json !== null
      ? { result: fromJsonText(r.result_json, JsonSchema, `result of ${r.id}`) }
      : {}),
    ...(r.error_json !== null
      ? { error: fromJsonText(r.error_json, ErrorInfoSchema, `error of ${r.id}`) }
      : {}),
  };
}

export function createOperationStore(db: Database.Database, clock: Pick<Clock, 'now'>): OperationStore {
  const q = {
    insert: db.prepare(
      `INSERT INTO operations (id, stack, kind, actor, request_id, status, started_at, owner_json)
       VALUES (?, ?, ?, ?, ?, 'running', ?, ?) RETURNING *`,
    ),
    get: db.prepare('SELECT * FROM operations WHERE id = ?'),
    finish: db.prepare(
      `UPDATE operations SET status = ?, finished_at = ?, result_json = ?, error_json = ?
       WHERE id = ? AND status = 'running' RETURNING *`,
    ),
    running: db.prepare("SELECT * FROM operations WHERE status = 'running' ORDER BY started_at"),
    list: db.prepare('SELECT * FROM operations WHERE stack = ? ORDER BY started_at DESC, rowid DESC LIMIT ?'),
  };
  const get = (id: string) => {
    const row = q.get.get(id);
    return row === undefined ? undefined : toOperation(row);
  };
  return {
    start: (input) =>
      guard(() => {
        const owner =
          input.owner === undefined
            ? null
            : toJsonText(parseInput(input.owner, OperationOwnerSchema, 'operation owner'), 'operation owner');
        return toOperation(
          q.insert.get(input.id, input.stack, input.kind, input.actor, input.requestId, isoNow(clock), owner),
        );
      }),
    get: (id) => guard(() => get(id)),
    finish: (id, outcome) =>
      guard(() => {
        const row = q.finish.get(
          outcome.status,
          isoNow(clock),
          outcome.result === undefined ? null : toJsonText(outcome.result, 'operation result'),
          outcome.error === undefined ? null : toJsonText(outcome.error, 'operation error'),
          id,
        );
        if (row !== undefined) return toOperation(row);
        const existing = get(id);
        if (!existing)
          throw notFound(`operation ${id}`, 'list the stack’s operations to see which ids exist');
        throw new StoreError(
          'STORE_INVALID_STATE',
          `operation ${id} already ended (${existing.status})`,
          'an operation is finished once',
        );
      }),
    running: () => guard(() => q.running.all().map(toOperation)),
    ownerOf: (id) =>
      guard(() => {
        const row = q.get.get(id);
        if (row === undefined) return undefined;
        const json = parseRow(row, RowSchema, 'operation').owner_json;
        return json === null ? undefined : fromJsonText(json, OperationOwnerSchema, `owner of ${id}`);
      }),
    list: (stack, limit) => guard(() => q.list.all(stack, limit).map(toOperation)),
  };
}
