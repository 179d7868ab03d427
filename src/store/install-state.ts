import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import { isoNow } from './clock.js';
import { guard, notFound, StoreError } from './errors.js';
import { parseRow } from './json.js';

export const InstallStatusSchema = z.enum(['pending', 'completed']);
export type InstallStatus = z.infer<typeof InstallStatusSchema>;

export const InstallRecordSchema = z.object({
  status: InstallStatusSchema,
  startedAt: z.string(),
  completedAt: z.string().optional(),
  /** The `until` condition as the caller described it, kept to explain later what ended the phase. */
  condition: z.string(),
});
export type InstallRecord = z.infer<typeof InstallRecordSchema>;

/**
 * x-berth.install phases. A completed phase is never started again: re-applying install-only
 * environment (e.g. a "force install" flag) to an installed service can wipe its data.
 */
export interface InstallStateStore {
  get(stack: string, service: string): InstallRecord | undefined;
  list(stack: string): Array<InstallRecord & { service: string }>;
  /** Records that the phase began. A pending phase (from a crashed run) restarts; a completed one is refused. */
  start(stack: string, service: string, condition: string): InstallRecord;
  /** Only from pending. */
  complete(stack: string, service: string): InstallRecord;
  /** Operator action only: forgets the phase so the next deploy runs it again. True if a record existed. */
  reset(stack: string, service: string): boolean;
}

const RowSchema = z.object({
  service: z.string(),
  status: InstallStatusSchema,
  condition: z.string(),
  started_at: z.string(),
  completed_at: z.string().nullable(),
});

function toRecord(row: unknown): InstallRecord & { service: string } {
  const r = parseRow(row, RowSchema, 'install state');
  return {
    service: r.service,
    status: r.status,
    startedAt: r.started_at,
    completedAt: r.completed_at ?? undefined,
    condition: r.condition,
  };
}

function withoutService(record: InstallRecord & { service: string }): InstallRecord {
  const { service: _service, ...rest } = record;
  return rest;
}

function alreadyCompleted(stack: string, service: string): StoreError {
  return new StoreError(
    'STORE_INVALID_STATE',
    `the install phase of ${stack}/${service} has already completed`,
    `install phases run once; to run it again, reset it explicitly (berth install reset ${stack} ${service})`,
  );
}

export function createInstallStateStore(db: Database.Database, clock: Pick<Clock, 'now'>): InstallStateStore {
  const q = {
    get: db.prepare('SELECT * FROM install_state WHERE stack = ? AND service = ?'),
    list: db.prepare('SELECT * FROM install_state WHERE stack = ? ORDER BY service'),
    start: db.prepare(
      `INSERT INTO install_state (stack, service, status, condition, started_at, completed_at)
       VALUES (?, ?, 'pending', ?, ?, NULL)
       ON CONFLICT (stack, service) DO UPDATE SET
         status = 'pending', condition = excluded.condition, started_at = excluded.started_at, completed_at = NULL
       WHERE install_state.status = 'pending'
       RETURNING *`,
    ),
    complete: db.prepare(
      `UPDATE install_state SET status = 'completed', completed_at = ?
       WHERE stack = ? AND service = ? AND status = 'pending' RETURNING *`,
    ),
    reset: db.prepare('DELETE FROM install_state WHERE stack = ? AND service = ?'),
  };

  const startTx = db.transaction((stack: string, service: string, condition: string) => {
    const row = q.start.get(stack, service, condition, isoNow(clock));
    // No row back means the upsert's WHERE refused it: the phase is completed.
    if (row === undefined) throw alreadyCompleted(stack, service);
    return withoutService(toRecord(row));
  });

  const completeTx = db.transaction((stack: string, service: string) => {
    const row = q.complete.get(isoNow(clock), stack, service);
    if (row !== undefined) return withoutService(toRecord(row));
    if (q.get.get(stack, service) === undefined) {
      throw notFound(`install phase of ${stack}/${service}`, 'start the install phase before completing it');
    }
    throw alreadyCompleted(stack, service);
  });

  return {
    get: (stack, service) =>
      guard(() => {
        const row = q.get.get(stack, service);
        return row === undefined ? undefined : withoutService(toRecord(row));
      }),
    list: (stack) => guard(() => q.list.all(stack).map(toRecord)),
    start: (stack, service, condition) => guard(() => startTx.immediate(stack, service, condition)),
    complete: (stack, service) => guard(() => completeTx.immediate(stack, service)),
    reset: (stack, service) => guard(() => q.reset.run(stack, service).changes === 1),
  };
}
