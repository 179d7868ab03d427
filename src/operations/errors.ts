import type { ErrorInfo } from '../api/http.js';

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

/** A coded error's code/message/hint; anything else is reported as INTERNAL without its stack trace. */
export function errorOf(error: unknown): ErrorInfo {
  const e = error as { code?: unknown; hint?: unknown; message?: unknown };
  if (error instanceof Error && typeof e.code === 'string' && typeof e.hint === 'string') {
    return { code: e.code, message: error.message, hint: e.hint };
  }
  return {
    code: 'INTERNAL',
    message: error instanceof Error ? error.message : String(error),
    hint: 'see the berth serve log for this operation id',
  };
}
