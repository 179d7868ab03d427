import { HTTPException } from 'hono/http-exception';
import { type AuthErrorCode, isAuthError } from '../access/errors.js';
import { PROBLEM_CONTENT_TYPE, type Problem } from '../api/http.js';
import { type BackupErrorCode, isBackupError } from '../backup/errors.js';
import { type DeployErrorCode, isDeployError } from '../deploy/errors.js';
import { type EngineErrorCode, isEngineError } from '../engine/errors.js';
import { type HealthErrorCode, isHealthError } from '../health/errors.js';
import { isJobError, type JobErrorCode } from '../jobs/errors.js';
import { isOperationError, type OperationErrorCode } from '../operations/errors.js';
import { isStoreError, type StoreErrorCode } from '../store/errors.js';

/** Codes the HTTP edge itself reports (the domains have their own: DEPLOY_*, ENGINE_*, STORE_*, AUTH_*, and the operation runner’s). */
export type ApiErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'CSRF'
  | 'VALIDATION'
  | 'INVALID_JSON'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'NOT_FOUND'
  | 'INVALID_CURSOR'
  | 'PATH_OUTSIDE_WORKSPACE'
  | 'STACK_NOT_FOUND'
  | 'NOT_READY'
  | 'SESSION_REQUIRED'
  | 'OPERATION_NOT_FOUND'
  | 'USER_NOT_FOUND'
  | 'USER_SELF_DELETE'
  | 'TOO_MANY_STREAMS'
  | 'ORPHAN_NOT_FOUND'
  | 'INTERNAL';

/** An error raised by the HTTP layer or a handler, already carrying its HTTP status. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly hint: string;
  /** RFC 9457 extension members, e.g. the field errors of a validation problem. */
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ApiErrorCode,
    status: number,
    message: string,
    hint: string,
    options: { extensions?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.code = code;
    this.status = status;
    this.hint = hint;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }
}

export const problemType = (code: string): string => `https://berth.dev/problems/${code}`;

/** `DEPLOY_IN_PROGRESS` → `Deploy in progress`: one stable title per problem type. */
export function problemTitle(code: string): string {
  const words = code.toLowerCase().split('_').join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// Records over the code unions: adding a code to a domain without mapping it here is a type error.
const DEPLOY_STATUS: Readonly<Record<DeployErrorCode, number>> = {
  DEPLOY_IN_PROGRESS: 409,
  DEPLOY_PLAN_REFUSED: 422,
  DEPLOY_BUILD_FAILED: 422,
  DEPLOY_PULL_FAILED: 422,
  DEPLOY_STACK_NOT_FOUND: 404,
  DEPLOY_SERVICE_NOT_FOUND: 404,
  DEPLOY_INVALID_STACK: 422,
  DEPLOY_RECOVERY_FAILED: 409,
  DEPLOY_DOWN_INCOMPLETE: 409,
  // The process running the deploy was stopped, as a server's shutdown does (SHUTTING_DOWN): nothing
  // is wrong with the request or the stack's state, and the same request later deploys.
  DEPLOY_INTERRUPTED: 503,
};

const OPERATION_STATUS: Readonly<Record<OperationErrorCode, number>> = {
  OPERATION_IN_PROGRESS: 409,
  SHUTTING_DOWN: 503,
};

const JOB_STATUS: Readonly<Record<JobErrorCode, number>> = {
  JOB_NOT_FOUND: 404,
  JOB_RUNNING: 409,
  JOB_STACK_BUSY: 409,
};

const HEALTH_STATUS: Readonly<Record<HealthErrorCode, number>> = {
  HEALTH_PROBE_NOT_FOUND: 404,
};

const BACKUP_STATUS: Readonly<Record<BackupErrorCode, number>> = {
  BACKUP_NO_POLICY: 404,
  BACKUP_NOT_FOUND: 404,
  BACKUP_RUNNING: 409,
  // It exists, but is not completed: nothing to drill or restore.
  BACKUP_NOT_DRILLABLE: 409,
  // A deploy, restore or restart of the stack holds its lock: the same request succeeds after it.
  BACKUP_STACK_BUSY: 409,
  // The stack's files or the service do not allow it: fix them and try again.
  BACKUP_KIND_UNKNOWN: 422,
  BACKUP_TOOL_MISSING: 422,
  BACKUP_NOT_RUNNING: 409,
  BACKUP_DUMP_FAILED: 502,
  BACKUP_STORE_FAILED: 502,
  BACKUP_INTEGRITY: 422,
  // The backup is fine; the restore target (service, stack) does not fit it.
  BACKUP_TARGET_MISMATCH: 422,
  BACKUP_NOT_CONFIGURED: 503,
};

const ENGINE_STATUS: Readonly<Record<EngineErrorCode, number>> = {
  ENGINE_UNAVAILABLE: 503,
  ENGINE_NOT_FOUND: 404,
  ENGINE_CONFLICT: 409,
  // The values the engine rejects come from the stack files: the request is unprocessable.
  ENGINE_BAD_REQUEST: 422,
  ENGINE_FAILED: 502,
  ENGINE_TIMEOUT: 504,
};

/** `internal`: the message may name files or SQL, so only the log sees it. */
const STORE_STATUS: Readonly<Record<StoreErrorCode, { status: number; internal: boolean }>> = {
  STORE_NOT_FOUND: { status: 404, internal: false },
  STORE_LOCKED: { status: 503, internal: false },
  STORE_INVALID_STATE: { status: 409, internal: false },
  STORE_SCHEMA_TOO_NEW: { status: 500, internal: true },
  STORE_IO: { status: 500, internal: true },
  // The edge validates its input: invalid input reaching the store is a bug.
  STORE_INVALID_INPUT: { status: 500, internal: true },
};

const AUTH_STATUS: Readonly<Record<AuthErrorCode, number>> = {
  AUTH_SETUP_TOKEN_INVALID: 401,
  AUTH_SETUP_DONE: 409,
  AUTH_INVALID_CREDENTIALS: 401,
  AUTH_THROTTLED: 429,
  AUTH_WEAK_PASSWORD: 422,
  AUTH_INVALID_USERNAME: 422,
  AUTH_USER_EXISTS: 409,
  AUTH_LAST_ADMIN: 409,
  AUTH_NOT_FOUND: 404,
  AUTH_TOKEN_INVALID: 401,
  // A token asked for more than its owner holds: the caller may not, whatever they send.
  AUTH_TOKEN_BEYOND_GRANTS: 403,
  AUTH_INVALID_INPUT: 400,
};

const REFERENCE_HINT = 'the API reference is at /api/v1/openapi.json';
const INTERNAL_HINT =
  'retry; if it keeps failing, report it with this requestId: the server log has the details';

interface Coded {
  readonly code: string;
  readonly message: string;
  readonly hint: string;
}

const HTTP_EXCEPTION_CODES: Readonly<Record<number, ApiErrorCode>> = {
  400: 'VALIDATION',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

export interface ProblemResult {
  readonly problem: Problem;
  readonly headers: Readonly<Record<string, string>>;
  /** True when the cause was hidden from the client: log it. */
  readonly internal: boolean;
}

function build(
  code: string,
  status: number,
  detail: string,
  hint: string,
  requestId: string,
  extensions: Readonly<Record<string, unknown>> = {},
): Problem {
  return {
    ...extensions,
    type: problemType(code),
    title: problemTitle(code),
    status,
    detail,
    code,
    hint,
    requestId,
  };
}

function internalProblem(requestId: string): Problem {
  return build('INTERNAL', 500, 'an internal error occurred', INTERNAL_HINT, requestId);
}

/** Maps any thrown value to a problem. Unknown errors become a 500 that says nothing about the cause. */
export function toProblem(error: unknown, requestId: string): ProblemResult {
  const coded = (code: string, status: number, e: Coded, headers: Record<string, string> = {}) => ({
    problem: build(code, status, e.message, e.hint, requestId),
    headers,
    internal: false,
  });
  if (error instanceof ApiError) {
    return {
      problem: build(error.code, error.status, error.message, error.hint, requestId, error.extensions),
      headers: error.headers,
      internal: false,
    };
  }
  if (isDeployError(error)) return coded(error.code, DEPLOY_STATUS[error.code], error);
  if (isEngineError(error)) return coded(error.code, ENGINE_STATUS[error.code], error);
  if (isJobError(error)) return coded(error.code, JOB_STATUS[error.code], error);
  if (isBackupError(error)) return coded(error.code, BACKUP_STATUS[error.code], error);
  if (isHealthError(error)) return coded(error.code, HEALTH_STATUS[error.code], error);
  if (isOperationError(error)) {
    const seconds = error.retryAfterSeconds;
    return coded(
      error.code,
      OPERATION_STATUS[error.code],
      error,
      seconds === undefined ? {} : { 'Retry-After': String(seconds) },
    );
  }
  if (isStoreError(error)) {
    const { status, internal } = STORE_STATUS[error.code];
    if (internal) return { problem: internalProblem(requestId), headers: {}, internal: true };
    return coded(error.code, status, error, error.code === 'STORE_LOCKED' ? { 'Retry-After': '1' } : {});
  }
  if (isAuthError(error)) {
    const seconds = error.retryAfterSeconds;
    return coded(
      error.code,
      AUTH_STATUS[error.code],
      error,
      seconds === undefined ? {} : { 'Retry-After': String(seconds) },
    );
  }
  if (error instanceof HTTPException) {
    const code = HTTP_EXCEPTION_CODES[error.status];
    if (code !== undefined) {
      return {
        problem: build(code, error.status, problemTitle(code).toLowerCase(), REFERENCE_HINT, requestId),
        headers: {},
        internal: false,
      };
    }
  }
  return { problem: internalProblem(requestId), headers: {}, internal: true };
}

/** The problem as an HTTP response: `application/problem+json`, with the request id echoed. */
export function problemResponse(result: ProblemResult): Response {
  return new Response(JSON.stringify(result.problem), {
    status: result.problem.status,
    headers: { ...result.headers, 'Content-Type': PROBLEM_CONTENT_TYPE },
  });
}
