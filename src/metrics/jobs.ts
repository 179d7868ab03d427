import type { JobRun } from '../api/jobs.js';
import type { AppMetrics } from './registry.js';

/** Keeps the job gauges current: every run that ran a command sets them. */
export function recordJobRun(metrics: AppMetrics) {
  return (run: JobRun): void => {
    const labels = { stack: run.stack, service: run.service, job: run.job };
    if (run.exitCode !== undefined) metrics.jobLastExitCode.set(labels, run.exitCode);
    if (run.status === 'succeeded' && run.finishedAt !== undefined) {
      metrics.jobLastSuccess.set(labels, Date.parse(run.finishedAt) / 1000);
    }
  };
}
