import type { IncomingHttpHeaders } from 'node:http';
import { ProblemLikeSchema, retryAfterMs } from '../api/http.js';

/** A failed call: the server's problem (code, hint, status, request id) or a connection failure (status 0). */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  readonly code: string;
  readonly hint: string;
  readonly status: number;
  readonly requestId?: string;
  /** The server's `Retry-After` (a 429 or 503), in seconds, when it sent one. */
  readonly retryAfterSeconds?: number;

  constructor(
    code: string,
    message: string,
    hint: string,
    status: number,
    requestId?: string,
    retryAfterSeconds?: number,
  ) {
    super(message);
    this.code = code;
    this.hint = hint;
    this.status = status;
    if (requestId !== undefined) this.requestId = requestId;
    if (retryAfterSeconds !== undefined) this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** 401s about what was just typed (setup token, password), not about a saved login. */
const TYPED_CREDENTIALS = new Set(['AUTH_SETUP_TOKEN_INVALID', 'AUTH_INVALID_CREDENTIALS']);
const RELOGIN = 'log in again with `berth login`';

/** `Retry-After` as whole seconds (retryAfterMs, rounded up); undefined when absent or unreadable. */
export function retryAfterSeconds(
  header: string | string[] | undefined,
  now = Date.now(),
): number | undefined {
  const ms = retryAfterMs(Array.isArray(header) ? header[0] : header, now);
  return ms === undefined ? undefined : Math.ceil(ms / 1000);
}

/** The error for a non-2xx answer, from its problem+json body (and its Retry-After) when it has one. */
export function responseError(
  url: string,
  status: number,
  body: string,
  headers: IncomingHttpHeaders = {},
): ApiRequestError {
  const retryAfter = retryAfterSeconds(headers['retry-after']);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  const problem = ProblemLikeSchema.safeParse(json);
  if (!problem.success) {
    return new ApiRequestError(
      `HTTP_${status}`,
      `the server at ${url} answered ${status} without a Berth problem`,
      'check that BERTH_URL names a Berth server (`berth serve`), not a proxy or another service',
      status,
      undefined,
      retryAfter,
    );
  }
  const p = problem.data;
  let hint = p.hint ?? 'the server gave no hint';
  if (status === 401 && !TYPED_CREDENTIALS.has(p.code) && !hint.includes('berth login')) {
    hint = `${hint}; ${RELOGIN}`;
  }
  // The server's log has the cause under this id; the CLI prints only code, message and hint.
  if (status >= 500 && p.requestId !== undefined) hint = `${hint} (request id ${p.requestId})`;
  return new ApiRequestError(p.code, p.detail, hint, status, p.requestId, retryAfter);
}
