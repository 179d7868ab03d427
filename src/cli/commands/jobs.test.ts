import { describe, expect, it } from 'vitest';
import type { JobRun, JobSummary } from '../../api/jobs.js';
import { formatJobs, formatRuns } from './jobs.js';

const run = (extra: Partial<JobRun>): JobRun => ({
  id: 7,
  stack: 'force1',
  service: 'web',
  job: 'send',
  trigger: 'schedule',
  status: 'succeeded',
  attempt: 1,
  startedAt: '2026-06-10T10:05:00.000Z',
  finishedAt: '2026-06-10T10:05:01.500Z',
  durationMs: 1500,
  exitCode: 0,
  ...extra,
});

const job = (extra: Partial<JobSummary>): JobSummary => ({
  stack: 'force1',
  service: 'web',
  job: 'segments',
  schedule: '0,15,30,45 * * * * (Europe/Berlin)',
  run: 'exec',
  overlap: 'skip',
  timeoutMs: 600_000,
  running: false,
  ...extra,
});

describe('formatJobs', () => {
  it('shows schedule, next run, last result and budget left, one job a line', () => {
    const text = formatJobs([
      job({ nextRunAt: '2026-06-10T10:15:00.000Z', lastRun: run({ job: 'segments' }) }),
      job({
        job: 'send',
        schedule: 'every 5m',
        running: true,
        budget: {
          limit: 3800,
          per: 'day',
          consumed: 800,
          remaining: 3000,
          resetsAt: '2026-06-10T22:00:00.000Z',
        },
      }),
    ]);
    expect(text.split('\n')[0]).toMatch(
      /^STACK\s+SERVICE\s+JOB\s+SCHEDULE\s+NEXT RUN\s+LAST RESULT\s+BUDGET LEFT$/,
    );
    expect(text).toContain('2026-06-10 10:15:00Z');
    expect(text).toContain('succeeded (exit 0) 2026-06-10 10:05:01Z');
    expect(text).toMatch(/send\s+every 5m\s+-\s+running\s+3000 of 3800\/day/);
    expect(formatJobs([])).toMatch(/no jobs/);
  });
});

describe('formatRuns', () => {
  it('shows each run with trigger, status, exit code, duration, attempt and reason', () => {
    expect(
      formatRuns([
        run({ id: 9, status: 'failed', exitCode: 3, attempt: 2, reason: 'exit code 3' }),
        run({ id: 8, status: 'skipped', exitCode: undefined, reason: 'budget spent' }),
        run({}),
      ]),
    ).toBe(
      [
        '#9 2026-06-10 10:05:00Z schedule failed exit 3 in 1.5s attempt 2',
        '    exit code 3',
        '#8 2026-06-10 10:05:00Z schedule skipped',
        '    budget spent',
        '#7 2026-06-10 10:05:00Z schedule succeeded exit 0 in 1.5s',
        '',
      ].join('\n'),
    );
  });
});
