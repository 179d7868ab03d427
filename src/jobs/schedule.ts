import { Cron } from 'croner';
import { formatDuration, parseDuration } from '../compose/schema/units.js';

/**
 * When a job runs: a cron pattern (5 fields, or 6 with seconds first; `@hourly`, `@daily`…) in a
 * time zone, or a fixed interval (`@every 10m`). Pure: croner computes times, nothing here waits.
 */
export type Schedule =
  | { readonly kind: 'cron'; readonly pattern: string; readonly timezone: string; readonly cron: Cron }
  | { readonly kind: 'every'; readonly intervalMs: number; readonly timezone: string };

export type ScheduleResult = { ok: true; schedule: Schedule } | { ok: false; message: string; hint: string };

/** The shortest interval `@every` accepts: the scheduler checks its jobs about once a second. */
export const MIN_INTERVAL_MS = 1000;

/** Whether Intl knows the zone (IANA names such as `Europe/Berlin`, or `UTC`). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function parseSchedule(text: string, timezone = 'UTC'): ScheduleResult {
  if (!isTimeZone(timezone)) {
    return {
      ok: false,
      message: `unknown time zone ${JSON.stringify(timezone)}`,
      hint: 'use an IANA name such as Europe/Berlin or America/New_York, or UTC',
    };
  }
  const trimmed = text.trim();
  const every = /^@every\s+(\S+)$/.exec(trimmed);
  if (every) {
    const ms = parseDuration(every[1] ?? '');
    if (ms === undefined || ms < MIN_INTERVAL_MS) {
      return {
        ok: false,
        message: `invalid interval in ${JSON.stringify(text)}`,
        hint: 'write @every with a duration of at least 1s, like @every 10m or @every 1h30m',
      };
    }
    return { ok: true, schedule: { kind: 'every', intervalMs: ms, timezone } };
  }
  const fields = trimmed.split(/\s+/).length;
  if (!trimmed.startsWith('@') && fields !== 5 && fields !== 6) {
    return {
      ok: false,
      message: `${JSON.stringify(text)} has ${fields} fields`,
      hint: 'a cron schedule has 5 fields (minute hour day month weekday), or 6 with seconds first; or use @every 10m',
    };
  }
  try {
    const cron = new Cron(trimmed, { timezone, paused: true });
    // A pattern that can never match (Feb 30) is as wrong as a syntax error.
    if (cron.nextRun(new Date(0)) === null) {
      return {
        ok: false,
        message: `${JSON.stringify(text)} never matches a date`,
        hint: 'check the day and month fields',
      };
    }
    return { ok: true, schedule: { kind: 'cron', pattern: trimmed, timezone, cron } };
  } catch (error: unknown) {
    return {
      ok: false,
      message: `invalid schedule ${JSON.stringify(text)}: ${error instanceof Error ? error.message : String(error)}`,
      hint: 'e.g. "0,15,30,45 * * * *" (every quarter hour), "0 3 * * 0" (Sundays 03:00), @daily or @every 10m',
    };
  }
}

/**
 * The first run strictly after `after`. An interval counts from `anchor` (when the job was first
 * seen), so a restart keeps the rhythm instead of starting over.
 */
export function nextRun(schedule: Schedule, after: Date, anchor: Date): Date {
  if (schedule.kind === 'cron') {
    const next = schedule.cron.nextRun(after);
    // parseSchedule refused patterns that never match; one that stops matching (a year field) ends here.
    return next ?? new Date(8.64e15);
  }
  const since = after.getTime() - anchor.getTime();
  const steps = since < 0 ? 0 : Math.floor(since / schedule.intervalMs) + 1;
  return new Date(anchor.getTime() + steps * schedule.intervalMs);
}

/** Runs due in `(from, to]`: how many (up to `limit`, then `more`), and the first and last of them. */
export function runsBetween(
  schedule: Schedule,
  from: Date,
  to: Date,
  anchor: Date,
  limit = 1000,
): { count: number; more: boolean; first?: Date; last?: Date } {
  let count = 0;
  let first: Date | undefined;
  let last: Date | undefined;
  for (let at = nextRun(schedule, from, anchor); at <= to; at = nextRun(schedule, at, anchor)) {
    if (count === limit) return { count, more: true, ...(first ? { first } : {}), ...(last ? { last } : {}) };
    count++;
    first ??= at;
    last = at;
  }
  return { count, more: false, ...(first ? { first } : {}), ...(last ? { last } : {}) };
}

/** The time between the run due at `at` and the next one: the job's period there (for "overdue"). */
export function periodAt(schedule: Schedule, at: Date, anchor: Date): number {
  if (schedule.kind === 'every') return schedule.intervalMs;
  return nextRun(schedule, at, anchor).getTime() - at.getTime();
}

/** `0,15,30,45 * * * * (Europe/Berlin)` or `every 10m`: how job lists show a schedule. */
export function describeSchedule(schedule: Schedule): string {
  return schedule.kind === 'every'
    ? `every ${formatDuration(schedule.intervalMs)}`
    : `${schedule.pattern}${schedule.timezone === 'UTC' ? '' : ` (${schedule.timezone})`}`;
}
