import type Database from 'better-sqlite3';
import { z } from 'zod';
import type { JobKey } from '../api/jobs.js';
import { guard } from './errors.js';
import { parseRow } from './json.js';

/** Where the scheduler is with one job; kept so a restart neither repeats nor loses a run. */
export interface JobState {
  /** The schedule (and time zone) the times were computed for: a changed one starts over. */
  readonly schedule: string;
  /** When the job was first seen: `@every` intervals count from here. */
  readonly anchorAt: Date;
  /** The next run due. */
  readonly nextAt: Date;
  readonly lastSuccessAt?: Date;
  /** Set once "not succeeded within twice its period" was reported, until the next success. */
  readonly overdueSince?: Date;
}

export interface JobStateStore {
  get(key: JobKey): JobState | undefined;
  /** Sets where the schedule is (creating the record), keeping the success and overdue marks. */
  schedule(key: JobKey, state: Pick<JobState, 'schedule' | 'anchorAt' | 'nextAt'>): void;
  /** A run succeeded: the overdue mark goes. */
  succeeded(key: JobKey, at: Date): void;
  /** Marks the job overdue (reported once until it succeeds again). */
  overdue(key: JobKey, since: Date): void;
}

/** How much of a job's budget a period used; the ledger survives restarts. */
export interface JobBudgetStore {
  consumed(key: JobKey, periodStart: Date): number;
  add(key: JobKey, periodStart: Date, amount: number): number;
}

const StateRow = z.object({
  schedule: z.string(),
  anchor_at: z.string(),
  next_at: z.string(),
  last_success_at: z.string().nullable(),
  overdue_since: z.string().nullable(),
});

const date = (text: string | null) => (text === null ? undefined : new Date(text));

export function createJobStateStore(db: Database.Database): JobStateStore {
  const q = {
    get: db.prepare('SELECT * FROM job_state WHERE stack = ? AND service = ? AND job = ?'),
    schedule: db.prepare(
      `INSERT INTO job_state (stack, service, job, schedule, anchor_at, next_at)
       VALUES (@stack, @service, @job, @schedule, @anchor_at, @next_at)
       ON CONFLICT (stack, service, job) DO UPDATE SET schedule = excluded.schedule,
         anchor_at = excluded.anchor_at, next_at = excluded.next_at`,
    ),
    succeeded: db.prepare(
      'UPDATE job_state SET last_success_at = ?, overdue_since = NULL WHERE stack = ? AND service = ? AND job = ?',
    ),
    overdue: db.prepare('UPDATE job_state SET overdue_since = ? WHERE stack = ? AND service = ? AND job = ?'),
  };
  return {
    get: (key) =>
      guard(() => {
        const row = q.get.get(key.stack, key.service, key.job);
        if (row === undefined) return undefined;
        const r = parseRow(row, StateRow, 'job state');
        const lastSuccessAt = date(r.last_success_at);
        const overdueSince = date(r.overdue_since);
        return {
          schedule: r.schedule,
          anchorAt: new Date(r.anchor_at),
          nextAt: new Date(r.next_at),
          ...(lastSuccessAt ? { lastSuccessAt } : {}),
          ...(overdueSince ? { overdueSince } : {}),
        };
      }),
    schedule: (key, state) =>
      guard(() => {
        q.schedule.run({
          stack: key.stack,
          service: key.service,
          job: key.job,
          schedule: state.schedule,
          anchor_at: state.anchorAt.toISOString(),
          next_at: state.nextAt.toISOString(),
        });
      }),
    succeeded: (key, at) =>
      guard(() => {
        q.succeeded.run(at.toISOString(), key.stack, key.service, key.job);
      }),
    overdue: (key, since) =>
      guard(() => {
        q.overdue.run(since.toISOString(), key.stack, key.service, key.job);
      }),
  };
}

export function createJobBudgetStore(db: Database.Database): JobBudgetStore {
  const q = {
    get: db.prepare(
      'SELECT consumed FROM job_budget WHERE stack = ? AND service = ? AND job = ? AND period_start = ?',
    ),
    add: db.prepare(
      `INSERT INTO job_budget (stack, service, job, period_start, consumed) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (stack, service, job, period_start) DO UPDATE SET consumed = consumed + excluded.consumed
       RETURNING consumed`,
    ),
  };
  const Row = z.object({ consumed: z.number().int() });
  return {
    consumed: (key, periodStart) =>
      guard(() => {
        const row = q.get.get(key.stack, key.service, key.job, periodStart.toISOString());
        return row === undefined ? 0 : parseRow(row, Row, 'job budget').consumed;
      }),
    add: (key, periodStart, amount) =>
      guard(
        () =>
          parseRow(
            q.add.get(key.stack, key.service, key.job, periodStart.toISOString(), amount),
            Row,
            'job budget',
          ).consumed,
      ),
  };
}
