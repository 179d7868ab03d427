import type { MiddlewareHandler } from 'hono';
import { REQUEST_ID_HEADER } from '../api/http.js';
import type { Clock } from '../clock.js';
import type { AppMetrics } from '../metrics/registry.js';
import type { AppEnv, AppLogger } from './context.js';
import { observeRequest } from './metrics.js';
import { acceptedRequestId } from './request-id.js';

/**
 * Sent with every answer of the API: it serves JSON and text, never a page, so nothing it sends may run
 * script, load anything, be framed or sniffed into another type; and nothing is cached or leaks its URL.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const SECURITY_HEADER_LIST = Object.entries(SECURITY_HEADERS);

/** What every answer carries beyond its own headers, lower-cased (as the wire and `Headers` show them). */
const EDGE_HEADERS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(SECURITY_HEADER_LIST.map(([name, value]) => [name.toLowerCase(), value])),
  'cache-control': 'no-store',
};

/** Marks the answers built by `completeResponse`: they already carry every edge header. */
const COMPLETE = Symbol('berth.completeResponse');

/** Per content type, the headers of a complete answer but its request id (a handful of types). */
const headerTemplates = new Map<string, Readonly<Record<string, string>>>();

function headerTemplate(contentType: string): Readonly<Record<string, string>> {
  let template = headerTemplates.get(contentType);
  if (template === undefined) {
    template = { 'content-type': contentType, ...EDGE_HEADERS };
    headerTemplates.set(contentType, template);
  }
  return template;
}

/**
 * An answer with all its headers in one plain record: @hono/node-server writes such a response
 * straight to the socket, where adding headers afterwards would build a `Headers` object (undici's,
 * with validation and sorting) and convert it back, a large share of a small answer's cost. The
 * record is a copy of its content type's template plus the request id (a fast shallow clone).
 */
export function completeResponse(
  body: string | Uint8Array | undefined,
  status: number,
  contentType: string,
  requestId: string,
): Response {
  const response = new Response(body, {
    status,
    headers: { ...headerTemplate(contentType), 'x-request-id': requestId },
  });
  (response as Response & { [COMPLETE]?: true })[COMPLETE] = true;
  return response;
}

export interface EdgeDeps {
  readonly newRequestId: () => string;
  readonly metrics: AppMetrics;
  /** Request durations; only differences are used. */
  readonly clock: Pick<Clock, 'now'>;
  readonly logger?: AppLogger;
}

/**
 * The outermost layer of every request, in one middleware (each layer is a promise and a closure per
 * request): the request id (the caller's X-Request-Id when it is safe to log, else a new one, echoed
 * on the answer), the security headers, `Cache-Control: no-store` unless the route chose otherwise,
 * and the request's duration and access-log line, with the status of the problem when it failed.
 */
export function edge(deps: EdgeDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = deps.clock.now().getTime();
    const id = acceptedRequestId(c.req.header(REQUEST_ID_HEADER)) ?? deps.newRequestId();
    c.set('requestId', id);
    await next();
    const response = c.res;
    if ((response as Response & { [COMPLETE]?: true })[COMPLETE] !== true) {
      const headers = response.headers;
      for (const [name, value] of SECURITY_HEADER_LIST) headers.set(name, value);
      if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
      headers.set(REQUEST_ID_HEADER, id);
    }
    observeRequest(c, deps, start, response.status);
  };
}

/**
 * The path of a request's URL, as `new URL(url).pathname` gives it, without parsing a URL: the
 * listener routes every request between the API and the dashboard by it. @hono/node-server's request
 * URLs are already checked and, when not plain, normalized by `new URL`.
 */
export function requestPath(url: string): string {
  const scheme = url.indexOf('://');
  const start = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
  if (start < 0) return '/';
  let end = start;
  while (end < url.length) {
    const code = url.charCodeAt(end);
    if (code === 63 /* ? */ || code === 35 /* # */) break;
    end++;
  }
  return url.slice(start, end);
}
