/** Stable codes of the health capability; the HTTP edge maps them to statuses. Never rename one. */
export type HealthErrorCode = 'HEALTH_PROBE_NOT_FOUND';

export class HealthError extends Error {
  override readonly name = 'HealthError';

  constructor(
    readonly code: HealthErrorCode,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

export const isHealthError = (error: unknown): error is HealthError => error instanceof HealthError;
