import Database from 'better-sqlite3';

/**
 * Stable codes of everything the store can report. Callers (CLI, API) match on these: never rename one.
 * STORE_INVALID_STATE and STORE_INVALID_INPUT go beyond the original four because "finish twice" and
 * "a plan that is not JSON" are neither a missing row nor an I/O failure, and the API maps them differently.
 */
export type StoreErrorCode =
  | 'STORE_SCHEMA_TOO_NEW'
  | 'STORE_NOT_FOUND'
  | 'STORE_LOCKED'
  | 'STORE_IO'
  | 'STORE_INVALID_STATE'
  | 'STORE_INVALID_INPUT';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;
  readonly hint: string;

  constructor(code: StoreErrorCode, message: string, hint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.hint = hint;
  }
}

export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}

/**
 * Turns a SQLite failure into a StoreError; anything else (including a StoreError, or an exception thrown
 * by a caller's callback) passes through untouched so it is not mislabelled as I/O.
 */
export function toStoreError(error: unknown): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  if (error.code.startsWith('SQLITE_BUSY') || error.code.startsWith('SQLITE_LOCKED')) {
    return new StoreError(
      'STORE_LOCKED',
      `the state database is busy: ${error.message}`,
      'another Berth process is writing to the state database; retry in a moment',
      { cause: error },
    );
  }
  const hint =
    error.code === 'SQLITE_NOTADB' || error.code.startsWith('SQLITE_CORRUPT')
      ? 'the state file is not a valid SQLite database; restore it from a backup or move it aside'
      : error.code.startsWith('SQLITE_READONLY') || error.code.startsWith('SQLITE_CANTOPEN')
        ? 'check that the state folder exists and is writable by this user'
        : error.code === 'SQLITE_FULL'
          ? 'the disk holding the state database is full'
          : 'check the state file and the disk it lives on';
  return new StoreError('STORE_IO', `state database error (${error.code}): ${error.message}`, hint, {
    cause: error,
  });
}

/** Runs `fn`, rethrowing SQLite failures as StoreErrors. */
export function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    throw toStoreError(error);
  }
}

export function notFound(what: string, hint: string): StoreError {
  return new StoreError('STORE_NOT_FOUND', `${what} not found`, hint);
}

export function corrupt(what: string, detail: string): StoreError {
  return new StoreError(
    'STORE_IO',
    `stored ${what} is unreadable: ${detail}`,
    'the state database holds data this version of Berth cannot read; restore a backup or inspect the row',
  );
}
