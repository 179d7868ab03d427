import type { Command } from 'commander';
import type { JobRun, JobSummary } from '../../api/jobs.js';
import { type CliIo, ExitCode } from '../io.js';
import { type ClientFactory, withClient } from './deploy.js';
import { formatTable, parseCount, printJson } from './remote.js';

const when = (iso: string | undefined) =>
  iso === undefined ? '-' : iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');

function lastResult(job: JobSummary): string {
  if (job.running) return 'running';
  const run = job.lastRun;
  if (!run) return 'never ran';
  return `${run.status}${run.exitCode !== undefined ? ` (exit ${run.exitCode})` : ''} ${when(run.finishedAt ?? run.startedAt)}`;
}

/** `berth job list`: one line per job. */
export function formatJobs(jobs: readonly JobSummary[]): string {
  if (jobs.length === 0) return 'no jobs (define them under a service’s x-berth.jobs)\n';
  return formatTable(
    ['STACK', 'SERVICE', 'JOB', 'SCHEDULE', 'NEXT RUN', 'LAST RESULT', 'BUDGET LEFT'],
    jobs.map((j) => [
      j.stack,
      j.service,
      j.job,
      j.schedule,
      when(j.nextRunAt),
      lastResult(j),
      j.budget ? `${j.budget.remaining} of ${j.budget.limit}/${j.budget.per}` : '-',
    ]),
  );
}

/** One line per run, newest first; a run's reason under it. */
export function formatRuns(runs: readonly JobRun[]): string {
  if (runs.length === 0) return 'no runs yet\n';
  const lines: string[] = [];
  for (const r of runs) {
    const took =
      r.durationMs !== undefined && r.status !== 'skipped' && r.status !== 'missed'
        ? ` in ${(r.durationMs / 1000).toFixed(1)}s`
        : '';
    const exit = r.exitCode !== undefined ? ` exit ${r.exitCode}` : '';
    const attempt = r.attempt > 1 ? ` attempt ${r.attempt}` : '';
    lines.push(`#${r.id} ${when(r.startedAt)} ${r.trigger} ${r.status}${exit}${took}${attempt}`);
    if (r.reason) lines.push(`    ${r.reason}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `berth job list|run|history`. */
export function registerJobs(
  program: Command,
  io: CliIo,
  setExit: (code: ExitCode) => void,
  factory: ClientFactory,
): void {
  const job = program
    .command('job')
    .description('scheduled jobs (x-berth.jobs): list them, run one now, read its history');

  job
    .command('list')
    .description('every job: schedule, next run, last result and budget left')
    .argument('[stack]', 'only this stack')
    .option('--json', 'print JSON')
    .action(async (stack: string | undefined, options: { json?: boolean }, command: Command) => {
      const jobs = await withClient(factory, command, (c) => c.jobList(stack));
      if (options.json) printJson(io, jobs);
      else io.stdout(formatJobs(jobs));
      setExit(ExitCode.Ok);
    });

  job
    .command('run')
    .description('run a job now and follow its output (its overlap, budget and retries apply)')
    .argument('<stack>', 'stack name')
    .argument('<service>', 'the service the job belongs to')
    .argument('<job>', 'job name')
    .option('--json', 'print the run as JSON (no live output)')
    .action(
      async (stack: string, service: string, name: string, options: { json?: boolean }, command: Command) => {
        // Ctrl-C ends a run made in-process (--local), which is then recorded as interrupted.
        const controller = new AbortController();
        const stop = () => controller.abort(new Error('interrupted'));
        process.once('SIGINT', stop);
        try {
          const run = await withClient(factory, command, (c) =>
            c.jobRun(
              { stack, service, job: name },
              options.json
                ? undefined
                : (line, stream) => (stream === 'stderr' ? io.stderr : io.stdout)(`${line}\n`),
              controller.signal,
            ),
          );
          if (options.json) printJson(io, run);
          else io.stdout(formatRuns([run]));
          // Only a run that ran and succeeded is a success: a skipped one did not do the work.
          setExit(run.status === 'succeeded' ? ExitCode.Ok : ExitCode.Invalid);
        } finally {
          process.off('SIGINT', stop);
        }
      },
    );

  job
    .command('history')
    .description('the runs of a job, newest first')
    .argument('<stack>', 'stack name')
    .argument('<service>', 'the service the job belongs to')
    .argument('<job>', 'job name')
    .option('--limit <n>', 'how many', parseCount(1), 20)
    .option('--before <id>', 'page: runs older than this id', parseCount(1))
    .option('--output', 'also print each run’s output tail (needs the operator role)')
    .option('--json', 'print JSON')
    .action(
      async (
        stack: string,
        service: string,
        name: string,
        options: { limit: number; before?: number; output?: boolean; json?: boolean },
        command: Command,
      ) => {
        const page = await withClient(factory, command, (c) =>
          c.jobHistory(
            { stack, service, job: name },
            { limit: options.limit, ...(options.before ? { before: options.before } : {}) },
          ),
        );
        if (options.json) printJson(io, page);
        else {
          io.stdout(formatRuns(page.items));
          if (options.output) {
            for (const r of page.items.filter((x) => x.output)) io.stdout(`--- run ${r.id} ---\n${r.output}`);
          }
          if (page.nextBefore) io.stdout(`more: --before ${page.nextBefore}\n`);
        }
        setExit(ExitCode.Ok);
      },
    );
}
