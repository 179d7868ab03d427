/** Stable codes of the operation runner's refusals; the HTTP edge maps them to statuses. Never rename one. */
export type OperationErrorCode = 'OPERATION_IN_PROGRESS' | 'SHUTTING_DOWN';

/** A refused operation: another one holds the stack, or the server is stopping. */
export class OperationError extends Error {
  override readonly name = 'OperationError';

  constructor(
    readonly code: OperationErrorCode,
    message: string,
    readonly hint: string,
    /** When it makes sense to try again (SHUTTING_DOWN). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const isOperationError = (error: unknown): error is OperationError => error instanceof OperationError;
