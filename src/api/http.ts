import { z } from 'zod';

// The HTTP conventions of the API that every client shares: names of headers and cookies, content
// types, and the problem body every failure answers with.

/** Name of the cookie that carries a browser session id. */
export const SESSION_COOKIE = 'berth_session';
/** Header a browser session must send on every mutating request (double-submit CSRF token). */
export const CSRF_HEADER = 'X-CSRF-Token';
export const REQUEST_ID_HEADER = 'X-Request-Id';

export const JSON_CONTENT_TYPE = 'application/json';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';
export const SSE_CONTENT_TYPE = 'text/event-stream';

export const OPENAPI_PATH = '/api/v1/openapi.json';

/**
 * A `Retry-After` header (429, 503) in milliseconds from `now`: delay-seconds or an HTTP date, as
 * RFC 9110 allows; undefined when absent or unreadable. Read by the CLI and the alert senders.
 */
export function retryAfterMs(value: string | null | undefined, now: number): number | undefined {
  const text = value?.trim();
  if (text === undefined || text === '') return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** RFC 9457 problem details, with Berth's members. Also the schema the OpenAPI document references. */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    hint: z.string(),
    requestId: z.string(),
  })
  .catchall(z.unknown());
export type Problem = z.output<typeof ProblemSchema>;

/**
 * A problem as a client reads it: leniently, since a proxy or an older server may send less than
 * Berth's full problem.
 */
export const ProblemLikeSchema = z.object({
  code: z.string(),
  detail: z.string(),
  hint: z.string().optional(),
  status: z.number().optional(),
  requestId: z.string().optional(),
  /** A 400 VALIDATION problem's field errors: where (`in` params, query or body; `path`) and what. */
  errors: z.array(z.object({ in: z.string(), path: z.string(), message: z.string() })).optional(),
});

/** What failed, and what to do: the coded error of an operation, a log stream or an event. */
export const ErrorInfoSchema = z.object({ code: z.string(), message: z.string(), hint: z.string() });
export type ErrorInfo = z.output<typeof ErrorInfoSchema>;

/** The answer of a call that has nothing else to say. */
export const OkSchema = z.object({ ok: z.literal(true) });
