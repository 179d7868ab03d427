import type { JobKey, JobRun, JobSummary } from '../api/jobs.js';

/** What the CLI asks of jobs, in-process (`--local`) or through the API: the same answers either way. */
export interface JobOperations {
  jobList(stack?: string): Promise<JobSummary[]>;
  jobHistory(
    key: JobKey,
    page: { limit: number; before?: number },
  ): Promise<{ items: JobRun[]; nextBefore?: number }>;
  /**
   * Runs it now (a manual run), showing each output line; resolves with the run's record.
   * Aborting `signal` ends a run made in-process; one made by the server goes on there.
   */
  jobRun(
    key: JobKey,
    onLine?: (line: string, stream: 'stdout' | 'stderr') => void,
    signal?: AbortSignal,
  ): Promise<JobRun>;
}
