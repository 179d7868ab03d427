import { z } from 'zod';
import { formatDuration } from '../compose/schema/units.js';
import type { XBerthSection } from '../compose/xberth/registry.js';
import {
  durationSchema,
  type Fail,
  failer,
  INSTEAD_OF_TRANSFORM,
  soundFields,
} from '../compose/xberth/values.js';
import { type Budget, compileConsumed } from './budget.js';
import { isTimeZone, parseSchedule, type Schedule } from './schedule.js';

/** A job's name: it appears in paths, container names and metrics labels. */
const JOB_NAME = /^[a-z0-9][a-z0-9_-]*$/;

export const JOB_DEFAULTS = {
  run: 'exec',
  timeout: 3_600_000,
  overlap: 'skip',
  timezone: 'UTC',
  backoff: 30_000,
} as const;

/** What a preset runs, for a database path; `expect` is the only output that means success. */
export const PRESETS = {
  'sqlite-vacuum': { argv: (db: string) => ['sqlite3', db, 'VACUUM;'], expect: undefined },
  'sqlite-integrity': { argv: (db: string) => ['sqlite3', db, 'PRAGMA integrity_check;'], expect: 'ok' },
} as const;
type PresetName = keyof typeof PRESETS;

/** A duration within bounds, checked on its own field (whatever else of the job is wrong). */
const within = (min: number, max: number, what: string, example: string) =>
  durationSchema.transform((ms, ctx) => {
    if (ms >= min && ms <= max) return ms;
    ctx.addIssue({
      code: 'custom',
      message: `${what} must be between ${formatDuration(min)} and ${formatDuration(max)}`,
      params: { hint: `e.g. ${example}` },
    });
    return z.NEVER;
  });

const JobFieldsSchema = z.strictObject({
  schedule: z.string().min(1),
  timezone: z.string().min(1).optional(),
  command: z.union([z.array(z.string()).min(1), z.string().min(1)]).optional(),
  shell: z.boolean().optional(),
  preset: z.enum(Object.keys(PRESETS) as [PresetName, ...PresetName[]]).optional(),
  database: z.string().startsWith('/', 'a path inside the container, starting with /').optional(),
  run: z.enum(['exec', 'oneoff']).optional(),
  timeout: within(1000, 7 * 86_400_000, 'timeout', '10m').optional(),
  overlap: z.enum(['skip', 'queue', 'allow']).optional(),
  retries: z
    .strictObject({
      count: z.number().int().min(0).max(10),
      backoff: within(1000, 86_400_000, 'backoff', '30s').optional(),
    })
    .optional(),
  catchup: z.boolean().optional(),
  budget: z
    .strictObject({
      limit: z.number().int().positive(),
      per: z.enum(['hour', 'day', 'week', 'month']),
      consumed: z.string().min(1),
    })
    .optional(),
});
type JobFields = z.output<typeof JobFieldsSchema>;

/**
 * What cannot be checked field by field: the schedule in its time zone, the budget's pattern, and
 * which fields go together. `job` holds the fields that passed their own checks; `written` says
 * which were written at all (a command that failed its own check is not also missing).
 */
function crossChecks(job: Partial<JobFields>, written: (key: keyof JobFields) => boolean, fail: Fail) {
  const timezone = job.timezone ?? JOB_DEFAULTS.timezone;
  if (!isTimeZone(timezone)) {
    fail(
      ['timezone'],
      `unknown time zone ${JSON.stringify(timezone)}`,
      'use an IANA name such as Europe/Berlin or America/New_York, or UTC',
    );
  }
  const schedule =
    job.schedule === undefined
      ? undefined
      : parseSchedule(job.schedule, isTimeZone(timezone) ? timezone : 'UTC');
  if (schedule && !schedule.ok) fail(['schedule'], schedule.message, schedule.hint);
  const budget = job.budget ? compileConsumed(job.budget.consumed) : undefined;
  if (budget && !budget.ok) {
    fail(['budget', 'consumed'], `consumed ${budget.message}`, 'e.g. consumed: "sent (?<n>\\d+)"');
  }
  if (job.preset && job.command) {
    fail(['command'], 'a job has either a command or a preset', 'remove one of them');
  } else if (!written('preset') && !written('command')) {
    fail(
      ['command'],
      'a job needs a command (an argv list) or a preset',
      'e.g. command: [php, bin/console, cron:run]',
    );
  }
  if (job.preset && !written('database')) {
    fail(['database'], `the ${job.preset} preset needs the database path`, 'e.g. database: /data/app.db');
  }
  if (job.database && !written('preset')) {
    fail(['database'], '`database` belongs to a preset', 'add preset: sqlite-vacuum or sqlite-integrity');
  }
  if (typeof job.command === 'string' && (job.shell === false || !written('shell'))) {
    fail(
      ['command'],
      'a command written as one string needs `shell: true`',
      'write it as an argv list, e.g. [php, bin/console, x], or add shell: true to run it with sh -c inside the container',
    );
  }
  if (job.budget && job.overlap === 'allow') {
    fail(
      ['overlap'],
      'a budgeted job runs one at a time, so that two runs never spend the same remainder',
      'use overlap: skip or queue',
    );
  }
  if (job.shell === true && Array.isArray(job.command)) {
    fail(
      ['shell'],
      '`shell: true` takes a command written as one string',
      'remove shell, or write the command as a string',
    );
  }
  return { schedule, budget };
}

const JobSchema = JobFieldsSchema.superRefine((job, ctx) => {
  // A field failed its own check, so the transform below does not run: its checks run here instead.
  crossChecks(soundFields(job, ctx), (key) => job[key] !== undefined, failer(ctx).fail);
}, INSTEAD_OF_TRANSFORM).transform((job, ctx) => {
  const { state, fail } = failer(ctx);
  const { schedule, budget } = crossChecks(job, (key) => job[key] !== undefined, fail);
  if (state.failed || !schedule?.ok || (budget && !budget.ok)) return z.NEVER;
  const preset = job.preset ? PRESETS[job.preset] : undefined;
  const argv =
    preset && job.database
      ? preset.argv(job.database)
      : typeof job.command === 'string'
        ? ['sh', '-c', job.command]
        : [...(job.command ?? [])];
  const definition: JobDefinition = {
    schedule: schedule.schedule,
    argv,
    run: job.run ?? JOB_DEFAULTS.run,
    timeoutMs: job.timeout ?? JOB_DEFAULTS.timeout,
    overlap: job.overlap ?? JOB_DEFAULTS.overlap,
    retries: { count: job.retries?.count ?? 0, backoffMs: job.retries?.backoff ?? JOB_DEFAULTS.backoff },
    catchup: job.catchup ?? false,
    ...(job.budget && budget?.ok
      ? { budget: { limit: job.budget.limit, per: job.budget.per, consumed: budget.regex } }
      : {}),
    ...(preset?.expect !== undefined ? { expectOutput: preset.expect } : {}),
  };
  return definition;
});

/** A job as the scheduler runs it: defaults applied, presets and shell commands turned into argv. */
export interface JobDefinition {
  readonly schedule: Schedule;
  /** What runs in the container; never on the host. */
  readonly argv: readonly string[];
  /** In the service's running container, or in a fresh container from its image and configuration. */
  readonly run: 'exec' | 'oneoff';
  readonly timeoutMs: number;
  readonly overlap: 'skip' | 'queue' | 'allow';
  readonly retries: { readonly count: number; readonly backoffMs: number };
  /** After downtime, run once if a run was missed. */
  readonly catchup: boolean;
  readonly budget?: Budget;
  /** The run succeeds only when its output, trimmed, is exactly this (sqlite-integrity: `ok`). */
  readonly expectOutput?: string;
}

const JobsSchema = z.record(z.string(), JobSchema).superRefine((jobs, ctx) => {
  for (const name of Object.keys(jobs)) {
    if (!JOB_NAME.test(name)) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `job name ${JSON.stringify(name)}: use lowercase letters, digits, \`-\` and \`_\``,
        params: { hint: 'it names the job in paths, container names and metrics, e.g. segments-update' },
      });
    }
  }
});

/** `x-berth.jobs` (service level): the service's scheduled jobs, by name. */
export const jobsSection: XBerthSection = {
  key: 'jobs',
  service: JobsSchema,
  summary:
    'scheduled jobs by name: schedule, timezone, command (or preset + database), run exec|oneoff, timeout, overlap, retries, catchup, budget',
};

/** The x-berth sections of the jobs capability. */
export const JOBS_XBERTH_SECTIONS: readonly XBerthSection[] = [jobsSection];

/** A service's parsed `x-berth.jobs` (what the registry stored after validation). */
export function jobsOf(
  values: Readonly<Record<string, unknown>> | undefined,
): Readonly<Record<string, JobDefinition>> {
  return (values?.jobs ?? {}) as Readonly<Record<string, JobDefinition>>;
}
