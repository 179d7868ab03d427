import { z } from 'zod';

// Scheduled jobs (`x-berth.jobs`): what is defined, when it runs next, and how each run went.

/** Names one job: a job of a service of a stack. */
export interface JobKey {
  readonly stack: string;
  readonly service: string;
  readonly job: string;
}

/** What started a run. */
export const JobTriggerSchema = z.enum(['schedule', 'manual', 'catchup']);
export type JobTrigger = z.output<typeof JobTriggerSchema>;

/**
 * How a run went. `skipped`: not started (the previous run still held it, or the budget was spent);
 * `missed`: runs that were due while Berth was down (one record for the whole gap); `interrupted`:
 * Berth stopped during the run, so how it ended is unknown.
 */
export const JobRunStatusSchema = z.enum([
  'running',
  'succeeded',
  'failed',
  'timed-out',
  'skipped',
  'missed',
  'interrupted',
]);
export type JobRunStatus = z.output<typeof JobRunStatusSchema>;

export const BudgetPeriodSchema = z.enum(['hour', 'day', 'week', 'month']);

/** One run (or one skipped or missed slot) of a job. */
export const JobRunSchema = z.object({
  id: z.number().int(),
  stack: z.string(),
  service: z.string(),
  job: z.string(),
  trigger: JobTriggerSchema,
  status: JobRunStatusSchema,
  /** 1 for the first try, 2 for the first retry… */
  attempt: z.number().int(),
  /** When the schedule had it due (absent for manual runs). */
  scheduledAt: z.string().optional(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  durationMs: z.number().int().optional(),
  exitCode: z.number().int().optional(),
  /** Why it was skipped, failed or timed out, in words. */
  reason: z.string().optional(),
  /** The last bytes of stdout and stderr, every secret value masked; only for operators. */
  output: z.string().optional(),
  /** What the run used of the job's budget. */
  budgetConsumed: z.number().int().optional(),
  /** For a `missed` record: how many runs were due, and the first and last of them. */
  missed: z
    .object({ count: z.number().int(), more: z.boolean(), first: z.string(), last: z.string() })
    .optional(),
});
export type JobRun = z.output<typeof JobRunSchema>;

export const JobRunPageSchema = z.object({
  items: z.array(JobRunSchema),
  nextBefore: z.number().int().optional(),
});

/** A job as `berth job list` shows it. */
export const JobSummarySchema = z.object({
  stack: z.string(),
  service: z.string(),
  job: z.string(),
  /** `0,15,30,45 * * * * (Europe/Berlin)` or `every 5m`. */
  schedule: z.string(),
  run: z.enum(['exec', 'oneoff']),
  overlap: z.enum(['skip', 'queue', 'allow']),
  timeoutMs: z.number().int(),
  nextRunAt: z.string().optional(),
  lastRun: JobRunSchema.omit({ output: true }).optional(),
  lastSuccessAt: z.string().optional(),
  /** Whether a run is going on now. */
  running: z.boolean(),
  budget: z
    .object({
      limit: z.number().int(),
      per: BudgetPeriodSchema,
      consumed: z.number().int(),
      remaining: z.number().int(),
      /** When the period (and so the ledger) starts over. */
      resetsAt: z.string(),
    })
    .optional(),
});
export type JobSummary = z.output<typeof JobSummarySchema>;

export const JobListSchema = z.object({ items: z.array(JobSummarySchema) });
