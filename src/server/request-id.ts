import type { MiddlewareHandler } from 'hono';
import { REQUEST_ID_HEADER } from '../api/http.js';
import type { AppEnv } from './context.js';

/** What a caller may send as its own request id; anything else is replaced (ids end up in logs). */
const ACCEPTED = /^[A-Za-z0-9._:-]{1,128}$/;

export function acceptedRequestId(value: string | undefined): string | undefined {
  return value !== undefined && ACCEPTED.test(value) ? value : undefined;
}

/** Takes the caller's X-Request-Id when it is safe to log, else makes one; echoes it on every response. */
export function requestId(newId: () => string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const id = acceptedRequestId(c.req.header(REQUEST_ID_HEADER)) ?? newId();
    c.set('requestId', id);
    await next();
    c.res.headers.set(REQUEST_ID_HEADER, id);
  };
}
