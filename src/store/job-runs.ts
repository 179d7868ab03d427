import type Database from 'better-sqlite3';
import { z } from 'zod';
import {
  type JobKey,
  type JobRun,
  type JobRunStatus,
  JobRunStatusSchema,
  type JobTrigger,
  JobTriggerSchema,
} from '../api/jobs.js';
import type { Clock } from '../clock.js';
import { isoNow } from './clock.js';
import { guard, notFound, StoreError } from './errors.js';
import { fromJsonText, parseRow } from './json.js';

export interface StartRunInput extends JobKey {
  readonly trigger: JobTrigger;
  readonly attempt: number;
  readonly scheduledAt?: Date;
}

/** A run that did not start (skipped) or a gap of runs (missed): recorded already finished. */
export interface NotRunInput extends StartRunInput {
  readonly status: 'skipped' | 'missed';
  readonly reason: string;
  readonly missed?: { count: number; more: boolean; first: string; last: string };
}

export interface FinishRunInput {
  readonly status: Exclude<JobRunStatus, 'running' | 'skipped' | 'missed'>;
  readonly exitCode?: number;
  readonly reason?: string;
  /** Already masked and bounded by the caller. */
  readonly output?: string;
  readonly budgetConsumed?: number;
}

/** Runs kept per job; older ones are pruned (a job every minute keeps about eight hours). */
export const JOB_RUNS_KEPT = 500;
/** Prunes every this many records, so the table stays near the limit without a timer. */
const PRUNE_EVERY = 50;

export interface JobRunStore {
  start(input: StartRunInput): JobRun;
  record(input: NotRunInput): JobRun;
  /** Ends a running run; ending one twice is refused (STORE_INVALID_STATE). */
  finish(id: number, outcome: FinishRunInput): JobRun;
  get(id: number): JobRun | undefined;
  /** Newest first; `before`: only runs with a smaller id. */
  list(key: JobKey, options: { limit: number; before?: number }): { items: JobRun[]; nextBefore?: number };
  /** The newest run of each job that started (any status but skipped and missed). */
  latest(key: JobKey): JobRun | undefined;
  /** Notes where a running run runs. */
  place(id: number, where: RunPlace): void;
  /** Where the runs recorded as running run (those a stopped process may have left behind). */
  placesOfRunning(): Array<{ readonly id: number } & RunPlace>;
  /** Runs a stopped process left `running`: recorded as interrupted. Call once at start. */
  interruptRunning(reason: string): JobRun[];
}

/** A run's container, and for an exec job the process group it leads there. */
export interface RunPlace {
  readonly container: string;
  readonly pid?: number;
}

const RowSchema = z.object({
  id: z.number().int(),
  stack: z.string(),
  service: z.string(),
  job: z.string(),
  trigger: JobTriggerSchema,
  status: JobRunStatusSchema,
  attempt: z.number().int(),
  scheduled_at: z.string().nullable(),
  started_at: z.string(),
  finished_at: z.string().nullable(),
  exit_code: z.number().int().nullable(),
  reason: z.string().nullable(),
  output: z.string().nullable(),
  budget_consumed: z.number().int().nullable(),
  missed_json: z.string().nullable(),
});

const PlaceRow = z.object({ id: z.number().int(), container: z.string(), pid: z.number().int().nullable() });

const MissedSchema = z.object({
  count: z.number().int(),
  more: z.boolean(),
  first: z.string(),
  last: z.string(),
});

function toRun(row: unknown): JobRun {
  const r = parseRow(row, RowSchema, 'job run');
  const duration = r.finished_at === null ? undefined : Date.parse(r.finished_at) - Date.parse(r.started_at);
  return {
    id: r.id,
    stack: r.stack,
    service: r.service,
    job: r.job,
    trigger: r.trigger,
    status: r.status,
    attempt: r.attempt,
    ...(r.scheduled_at !== null ? { scheduledAt: r.scheduled_at } : {}),
    startedAt: r.started_at,
    ...(r.finished_at !== null ? { finishedAt: r.finished_at } : {}),
    ...(duration !== undefined && Number.isFinite(duration) ? { durationMs: duration } : {}),
    ...(r.exit_code !== null ? { exitCode: r.exit_code } : {}),
    ...(r.reason !== null ? { reason: r.reason } : {}),
    ...(r.output !== null ? { output: r.output } : {}),
    ...(r.budget_consumed !== null ? { budgetConsumed: r.budget_consumed } : {}),
    ...(r.missed_json !== null
      ? { missed: fromJsonText(r.missed_json, MissedSchema, `missed runs of ${r.id}`) }
      : {}),
  };
}

export function createJobRunStore(
  db: Database.Database,
  clock: Pick<Clock, 'now'>,
  keep = JOB_RUNS_KEPT,
): JobRunStore {
  const q = {
    insert: db.prepare(
      `INSERT INTO job_runs (stack, service, job, trigger, status, attempt, scheduled_at, started_at,
         finished_at, reason, missed_json)
       VALUES (@stack, @service, @job, @trigger, @status, @attempt, @scheduled_at, @started_at,
         @finished_at, @reason, @missed_json) RETURNING *`,
    ),
    finish: db.prepare(
      `UPDATE job_runs SET status = ?, finished_at = ?, exit_code = ?, reason = ?, output = ?, budget_consumed = ?
       WHERE id = ? AND status = 'running' RETURNING *`,
    ),
    get: db.prepare('SELECT * FROM job_runs WHERE id = ?'),
    list: db.prepare(
      `SELECT * FROM job_runs WHERE stack = ? AND service = ? AND job = ? AND id < ? ORDER BY id DESC LIMIT ?`,
    ),
    latest: db.prepare(
      `SELECT * FROM job_runs WHERE stack = ? AND service = ? AND job = ? AND status NOT IN ('skipped', 'missed')
       ORDER BY id DESC LIMIT 1`,
    ),
    running: db.prepare("SELECT * FROM job_runs WHERE status = 'running' ORDER BY id"),
    place: db.prepare("UPDATE job_runs SET container = ?, pid = ? WHERE id = ? AND status = 'running'"),
    places: db.prepare(
      "SELECT id, container, pid FROM job_runs WHERE status = 'running' AND container IS NOT NULL ORDER BY id",
    ),
    prune: db.prepare(
      `DELETE FROM job_runs WHERE stack = @stack AND service = @service AND job = @job AND status != 'running'
         AND id <= (SELECT id FROM job_runs WHERE stack = @stack AND service = @service AND job = @job
                    ORDER BY id DESC LIMIT 1 OFFSET @keep)`,
    ),
  };
  /** Records per job since it was last pruned. */
  const inserted = new Map<string, number>();
  const insert = (
    input: StartRunInput,
    extra: { status: JobRunStatus; finished: boolean; reason?: string; missed?: unknown },
  ) => {
    const now = isoNow(clock);
    const id = `${input.stack}/${input.service}/${input.job}`;
    const count = (inserted.get(id) ?? 0) + 1;
    inserted.set(id, count % PRUNE_EVERY);
    if (count === PRUNE_EVERY) {
      q.prune.run({ stack: input.stack, service: input.service, job: input.job, keep: keep - 1 });
    }
    return toRun(
      q.insert.get({
        stack: input.stack,
        service: input.service,
        job: input.job,
        trigger: input.trigger,
        status: extra.status,
        attempt: input.attempt,
        scheduled_at: input.scheduledAt?.toISOString() ?? null,
        started_at: now,
        finished_at: extra.finished ? now : null,
        reason: extra.reason ?? null,
        missed_json: extra.missed === undefined ? null : JSON.stringify(extra.missed),
      }),
    );
  };
  const finish = (id: number, outcome: FinishRunInput): JobRun => {
    const row = q.finish.get(
      outcome.status,
      isoNow(clock),
      outcome.exitCode ?? null,
      outcome.reason ?? null,
      outcome.output ?? null,
      outcome.budgetConsumed ?? null,
      id,
    );
    if (row !== undefined) return toRun(row);
    const existing = q.get.get(id);
    if (existing === undefined) throw notFound(`job run ${id}`, 'the run ids are in the job history');
    throw new StoreError('STORE_INVALID_STATE', `job run ${id} already ended`, 'a run is finished once');
  };
  return {
    start: (input) => guard(() => insert(input, { status: 'running', finished: false })),
    record: (input) =>
      guard(() =>
        insert(input, {
          status: input.status,
          finished: true,
          reason: input.reason,
          ...(input.missed ? { missed: input.missed } : {}),
        }),
      ),
    finish: (id, outcome) => guard(() => finish(id, outcome)),
    get: (id) =>
      guard(() => {
        const row = q.get.get(id);
        return row === undefined ? undefined : toRun(row);
      }),
    list: (key, options) =>
      guard(() => {
        const rows = q.list
          .all(key.stack, key.service, key.job, options.before ?? Number.MAX_SAFE_INTEGER, options.limit + 1)
          .map(toRun);
        const items = rows.slice(0, options.limit);
        const last = items.at(-1);
        return rows.length > options.limit && last ? { items, nextBefore: last.id } : { items };
      }),
    latest: (key) =>
      guard(() => {
        const row = q.latest.get(key.stack, key.service, key.job);
        return row === undefined ? undefined : toRun(row);
      }),
    place: (id, where) =>
      guard(() => {
        q.place.run(where.container, where.pid ?? null, id);
      }),
    placesOfRunning: () =>
      guard(() =>
        q.places.all().map((row) => {
          const r = parseRow(row, PlaceRow, 'job run place');
          return { id: r.id, container: r.container, ...(r.pid !== null ? { pid: r.pid } : {}) };
        }),
      ),
    interruptRunning: (reason) =>
      guard(() => q.running.all().map((row) => finish(toRun(row).id, { status: 'interrupted', reason }))),
  };
}
