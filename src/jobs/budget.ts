import { Cron } from 'croner';

/** A budget's period: it starts at the top of the hour, at midnight, on Monday 00:00 or on the 1st. */
export type BudgetPeriod = 'hour' | 'day' | 'week' | 'month';

export interface Budget {
  readonly limit: number;
  readonly per: BudgetPeriod;
  /** A regular expression with a named group `n`: every match in a run's output adds `n` to the ledger. */
  readonly consumed: RegExp;
}

const BOUNDARIES: Readonly<Record<BudgetPeriod, string>> = {
  hour: '0 * * * *',
  day: '0 0 * * *',
  week: '0 0 * * MON',
  month: '0 0 1 * *',
};

/** The period `at` falls in, in the job's time zone (DST included): `[start, end)`. */
export function budgetPeriod(per: BudgetPeriod, at: Date, timezone: string): { start: Date; end: Date } {
  const boundary = new Cron(BOUNDARIES[per], { timezone, paused: true });
  // previousRuns is strictly before its reference: one millisecond later includes a boundary itself.
  const start = boundary.previousRuns(1, new Date(at.getTime() + 1))[0] ?? new Date(0);
  const end = boundary.nextRun(at) ?? new Date(8.64e15);
  return { start, end };
}

/** What is left of the period's budget; never below zero. */
export function remaining(budget: Pick<Budget, 'limit'>, consumed: number): number {
  return Math.max(0, budget.limit - consumed);
}

/**
 * How much a run used, from its output: the sum of `n` over every match of `consumed`. A match
 * whose `n` is not a whole number adds nothing.
 */
export function consumedBy(output: string, consumed: RegExp): number {
  const global = new RegExp(
    consumed.source,
    consumed.flags.includes('g') ? consumed.flags : `${consumed.flags}g`,
  );
  let total = 0;
  for (const match of output.matchAll(global)) {
    const n = match.groups?.n;
    if (n !== undefined && /^\d+$/.test(n)) total += Number(n);
  }
  return total;
}

/** The argv with `{remaining}` replaced in every argument. */
export function withRemaining(argv: readonly string[], left: number): string[] {
  return argv.map((arg) => arg.replaceAll('{remaining}', String(left)));
}

/**
 * `consumed` as written in the file, compiled: a regular expression with a named group `n`.
 * Returns why not when it is not one.
 */
export function compileConsumed(
  source: string,
): { ok: true; regex: RegExp } | { ok: false; message: string } {
  let regex: RegExp;
  try {
    regex = new RegExp(source);
  } catch (error: unknown) {
    return {
      ok: false,
      message: `not a regular expression: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  if (!/\(\?<n>/.test(source))
    return { ok: false, message: 'it has no named group `n`, e.g. "sent (?<n>\\d+)"' };
  return { ok: true, regex };
}
