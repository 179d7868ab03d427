/**
 * Stable codes of every authentication failure. The HTTP layer maps them to statuses; never rename one.
 * AUTH_INVALID_INPUT (a malformed grant, token name, stack list or lifetime) goes beyond the list in the
 * server brief: none of the others describes a caller's malformed request.
 */
export type AuthErrorCode =
  | 'AUTH_SETUP_TOKEN_INVALID'
  | 'AUTH_SETUP_DONE'
  | 'AUTH_INVALID_CREDENTIALS'
  | 'AUTH_THROTTLED'
  | 'AUTH_WEAK_PASSWORD'
  | 'AUTH_INVALID_USERNAME'
  | 'AUTH_USER_EXISTS'
  | 'AUTH_LAST_ADMIN'
  | 'AUTH_NOT_FOUND'
  | 'AUTH_TOKEN_INVALID'
  | 'AUTH_TOKEN_BEYOND_GRANTS'
  | 'AUTH_INVALID_INPUT';

export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code: AuthErrorCode;
  /** What the caller can do about it; safe to show (never names a secret). */
  readonly hint: string;
  /** Set on AUTH_THROTTLED: whole seconds until an attempt may succeed (for Retry-After). */
  readonly retryAfterSeconds?: number;

  constructor(
    code: AuthErrorCode,
    message: string,
    hint: string,
    options?: { retryAfterSeconds?: number; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = hint;
    if (options?.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export function isAuthError(error: unknown, code?: AuthErrorCode): error is AuthError {
  return error instanceof AuthError && (code === undefined || error.code === code);
}

/** The one answer to a failed login, whichever of username or password was wrong. */
export function invalidCredentials(): AuthError {
  return new AuthError(
    'AUTH_INVALID_CREDENTIALS',
    'invalid username or password',
    'check the username and password; repeated failures block further attempts for a while',
  );
}

export function notFound(what: string): AuthError {
  return new AuthError(
    'AUTH_NOT_FOUND',
    `${what} not found`,
    'list the existing ones and use one of their ids',
  );
}

export function invalidInput(message: string, hint: string): AuthError {
  return new AuthError('AUTH_INVALID_INPUT', message, hint);
}
