/** Stable codes of the jobs capability; the HTTP edge maps them to statuses. Never rename one. */
export type JobErrorCode = 'JOB_NOT_FOUND' | 'JOB_RUNNING' | 'JOB_STACK_BUSY';

export class JobError extends Error {
  override readonly name = 'JobError';

  constructor(
    readonly code: JobErrorCode,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export const isJobError = (error: unknown): error is JobError => error instanceof JobError;
