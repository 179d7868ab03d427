import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Principal } from '../access/rbac.js';
import { CSRF_HEADER, JSON_CONTENT_TYPE, SESSION_COOKIE } from '../api/http.js';
import type { Clock } from '../clock.js';
import type { AuditLogStore } from '../store/index.js';
import { endEntry, RequestAborted, startEntry } from './audit-entries.js';
import type { AppEnv, Authenticator } from './context.js';
import { completeResponse } from './edge.js';
import { HandlerContext } from './handler-context.js';
import { parseInput } from './input.js';
import { JsonText } from './json-text.js';
import { ApiError, toProblem } from './problem.js';
import { allows, type Route, type RoutePermission } from './routes/registry.js';

/** What the enforcement pipeline of each route needs. */
export interface PipelineDeps {
  readonly authenticator: Authenticator;
  /** Every mutating call is appended here: who, when, what, target, outcome, request id. */
  readonly auditLog: AuditLogStore;
  /** Aborted when the server shuts down: streams (events, logs) end on it. */
  readonly shutdown?: AbortSignal;
  readonly clock: Pick<Clock, 'now'>;
  /** Parse every response with its route's schema (tests): a drift from the OpenAPI document becomes a 500. */
  readonly checkResponses?: boolean;
}

function forbidden(
  permission: Exclude<RoutePermission, 'public' | 'authenticated'>,
  stack?: string,
): ApiError {
  const where =
    permission.scope === 'global'
      ? 'on every stack'
      : permission.scope === 'stack'
        ? `on stack ${stack ?? '?'}`
        : 'on at least one stack';
  return new ApiError(
    'FORBIDDEN',
    403,
    `this needs the ${permission.role} role ${where}`,
    'ask an admin for a grant, or use a token whose scope includes it',
  );
}

function required(principal: Principal | undefined): Principal {
  if (principal) return principal;
  throw new ApiError(
    'UNAUTHENTICATED',
    401,
    'this needs a valid API token or session',
    'send `Authorization: Bearer <token>`, or log in',
    { headers: { 'WWW-Authenticate': 'Bearer realm="berth"' } },
  );
}

/**
 * Who is calling: undefined on public routes; 401 when a protected route gets no valid credentials.
 * Synchronous when the authenticator is (the real one is: no promise on the hot path).
 */
function authenticate(
  c: Context<AppEnv>,
  route: Route,
  deps: PipelineDeps,
): Principal | undefined | Promise<Principal> {
  if (route.permission === 'public') return undefined;
  const found = deps.authenticator.principalFor({
    authorization: c.req.header('authorization'),
    sessionCookie: getCookie(c, SESSION_COOKIE),
  });
  return found instanceof Promise ? found.then(required) : required(found);
}

/** CSRF, then the route's permission; throws 403. */
function authorize(c: Context<AppEnv>, route: Route, principal: Principal, deps: PipelineDeps): void {
  const permission = route.permission;
  // A session is a cookie the browser sends by itself: a mutating request must also prove it
  // comes from our page. Bearer tokens are never sent implicitly and need no such proof.
  if (route.mutating && principal.sessionId !== undefined) {
    if (!deps.authenticator.checkCsrf(principal.sessionId, c.req.header(CSRF_HEADER))) {
      throw new ApiError(
        'CSRF',
        403,
        `a browser session must send its CSRF token in ${CSRF_HEADER} on this request`,
        `send the CSRF token given at login in the ${CSRF_HEADER} header`,
      );
    }
  }
  if (permission === 'public' || permission === 'authenticated') return;
  const params = c.req.param() as Record<string, string>;
  if (!allows(principal, permission, params)) throw forbidden(permission, params.stack);
}

/**
 * The handler's answer as the body's text (undefined: no body; a `JsonText` as it is), checked
 * against the route's schema when asked (tests): a mismatch throws a ZodError, which the error
 * handler turns into a 500.
 */
function bodyOf(route: Route, value: unknown, deps: PipelineDeps): string | JsonText | undefined {
  if (route.contentType !== JSON_CONTENT_TYPE) {
    return String(deps.checkResponses ? route.response.parse(value) : value);
  }
  const text = value instanceof JsonText;
  if (deps.checkResponses) return JSON.stringify(route.response.parse(text ? JSON.parse(value.text) : value));
  return text ? value : JSON.stringify(value);
}

/** A route's handler behind authentication, authorization, input validation and the audit log. */
export function handlerFor(route: Route, deps: PipelineDeps) {
  const audited = route.mutating && route.audit !== 'handler';
  return async (c: Context<AppEnv>): Promise<Response> => {
    c.set('routeTemplate', route.path);
    const authenticated = authenticate(c, route, deps);
    const principal = authenticated instanceof Promise ? await authenticated : authenticated;
    const entry =
      audited && principal ? deps.auditLog.start(startEntry(route, c, principal, deps.clock)) : undefined;
    let ctx: HandlerContext | undefined;
    try {
      if (principal) authorize(c, route, principal, deps);
      const parsed = parseInput(c, route);
      const input = parsed instanceof Promise ? await parsed : parsed;
      ctx = new HandlerContext(c, input, principal, c.get('requestId'), deps.shutdown, deps.authenticator);
      const value = await route.handler(ctx);
      if (entry && principal) {
        deps.auditLog.finish(entry.id, endEntry(c, principal, ctx.auditFacts(), undefined, deps.clock));
      }
      const headers = ctx.headersSet();
      if (route.stream) {
        const response = value as Response;
        for (const [name, v] of headers) response.headers.append(name, v);
        return response;
      }
      const body = bodyOf(route, value, deps);
      if (headers.length === 0) {
        const sent = body instanceof JsonText ? body.bytes : body;
        return completeResponse(sent, route.status, route.contentType, c.get('requestId'));
      }
      // Headers the handler set (cookies, Cache-Control): the edge adds its own around them.
      for (const [name, v] of headers) c.header(name, v, { append: true });
      const type = { 'Content-Type': route.contentType };
      if (body === undefined) return c.body(null, route.status, type);
      return c.body(body instanceof JsonText ? body.text : body, route.status, type);
    } catch (caught: unknown) {
      // A body cut short, or a handler ended because its client left: the client's doing, not a fault.
      // Coded errors (a conflict, an engine failure) keep their code even when the client is gone.
      const aborted = c.req.raw.signal.aborted && toProblem(caught, c.get('requestId')).internal;
      const error = aborted ? new RequestAborted() : caught;
      if (entry && principal) {
        deps.auditLog.finish(entry.id, endEntry(c, principal, ctx?.auditFacts() ?? {}, error, deps.clock));
      }
      throw error;
    }
  };
}
