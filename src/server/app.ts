import { randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import type { Principal } from '../access/rbac.js';
import { CSRF_HEADER, JSON_CONTENT_TYPE, SESSION_COOKIE } from '../api/http.js';
import type { Clock } from '../clock.js';
import { isEngineError } from '../engine/errors.js';
import type { AppMetrics } from '../metrics/registry.js';
import type { AuditLogStore } from '../store/index.js';
import type { AppEnv, AppLogger, Authenticator } from './context.js';
import { parseInput } from './input.js';
import { metricsRoute, observeRequests } from './metrics.js';
import { withOpenApi } from './openapi.js';
import {
  ApiError,
  type ProblemResult,
  problemResponse,
  problemTitle,
  problemType,
  toProblem,
} from './problem.js';
import { requestId } from './request-id.js';
import { type AlertRouteDeps, alertRoutes } from './routes/alerts.js';
import { auditLogRoutes } from './routes/audit-log.js';
import { type AuthRouteDeps, authRoutes } from './routes/auth.js';
import { type BackupRouteDeps, backupRoutes } from './routes/backups.js';
import { type ControlDeps, controlRoutes } from './routes/control.js';
import { type FindingRouteDeps, findingRoutes } from './routes/findings.js';
import { type HealthRouteDeps, healthRoutes } from './routes/health.js';
import { type JobRouteDeps, jobRoutes } from './routes/jobs.js';
import { type AuditFacts, allows, checkRoutes, type Route, type RoutePermission } from './routes/registry.js';
import { type StackDeps, stackRoutes } from './routes/stacks.js';
import { type SystemDeps, systemRoutes } from './routes/system.js';
import { tokenRoutes } from './routes/tokens.js';
import { userRoutes } from './routes/users.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface AppDeps extends SystemDeps, StackDeps {
  /** The auth service and its stores: setup, login and logout routes are mounted when given. */
  readonly authRoutes?: AuthRouteDeps;
  /** The stack operations (deploy, containers, logs, events): mounted when given. */
  readonly control?: ControlDeps;
  /** Scheduled jobs: mounted when given. */
  readonly jobs?: JobRouteDeps;
  /** Backups: mounted when given. */
  readonly backups?: BackupRouteDeps;
  /** Health (probes, uptime): mounted when given. */
  readonly health?: HealthRouteDeps;
  /** The audit's findings per stack (the dashboard's stack page): mounted when given. */
  readonly findings?: FindingRouteDeps;
  /** Alerts (recent alerts, deliveries, channel tests): mounted when given. */
  readonly alerts?: AlertRouteDeps;
  readonly authenticator: Authenticator;
  /** Every mutating call is appended here: who, when, what, target, outcome, request id. */
  readonly auditLog: AuditLogStore;
  /** Aborted when the server shuts down: streams (events, logs) end on it. */
  readonly shutdown?: AbortSignal;
  /** Injected so each app has its own registry; `createMetrics()`. */
  readonly metrics: AppMetrics;
  /** Request durations; only differences are used. */
  readonly clock: Pick<Clock, 'now'>;
  readonly logger?: AppLogger;
  readonly version: string;
  /** Defaults to random UUIDs. */
  readonly newRequestId?: () => string;
  /** Parse every response with its route's schema (tests): a drift from the OpenAPI document becomes a 500. */
  readonly checkResponses?: boolean;
  readonly maxBodyBytes?: number;
}

/** Every route of the API, each with its permission: what the app mounts and the OpenAPI document lists. */
export function appRoutes(deps: AppDeps): Route[] {
  const routes = [
    ...systemRoutes(deps),
    ...(deps.authRoutes
      ? [
          ...authRoutes(deps.authRoutes),
          ...tokenRoutes(deps.authRoutes),
          ...userRoutes(deps.authRoutes),
          ...auditLogRoutes(deps.authRoutes),
        ]
      : []),
    ...stackRoutes(deps),
    ...(deps.control ? controlRoutes(deps.control) : []),
    ...(deps.jobs ? jobRoutes(deps.jobs) : []),
    ...(deps.backups ? backupRoutes(deps.backups) : []),
    ...(deps.health ? healthRoutes(deps.health) : []),
    ...(deps.findings ? findingRoutes(deps.findings) : []),
    ...(deps.alerts ? alertRoutes(deps.alerts) : []),
    metricsRoute(deps.metrics),
  ];
  return [...checkRoutes(withOpenApi(routes, { title: 'Berth API', version: deps.version }))];
}

/** The API application (no listening here: `@hono/node-server` serves it, tests call `app.request`). */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  return mountRoutes(appRoutes(deps), deps);
}

type PipelineDeps = Pick<
  AppDeps,
  | 'authenticator'
  | 'auditLog'
  | 'shutdown'
  | 'metrics'
  | 'clock'
  | 'logger'
  | 'newRequestId'
  | 'checkResponses'
  | 'maxBodyBytes'
>;

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

/** Who is calling: undefined on public routes; 401 when a protected route gets no valid credentials. */
async function authenticate(
  c: Context<AppEnv>,
  route: Route,
  deps: PipelineDeps,
): Promise<Principal | undefined> {
  if (route.permission === 'public') return undefined;
  const principal = await deps.authenticator.principalFor({
    authorization: c.req.header('authorization'),
    sessionCookie: getCookie(c, SESSION_COOKIE),
  });
  if (!principal) {
    throw new ApiError(
      'UNAUTHENTICATED',
      401,
      'this needs a valid API token or session',
      'send `Authorization: Bearer <token>`, or log in',
      { headers: { 'WWW-Authenticate': 'Bearer realm="berth"' } },
    );
  }
  return principal;
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
  const params = c.req.param() as Record<string, string>;
  if (permission !== 'public' && permission !== 'authenticated' && !allows(principal, permission, params)) {
    throw forbidden(permission, params.stack);
  }
}

/** The peer address from @hono/node-server's incoming request; `unknown` without a socket (tests). */
function clientIp(c: Context<AppEnv>): string {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

const DENIED_CODES = new Set(['FORBIDDEN', 'CSRF', 'SESSION_REQUIRED', 'AUTH_THROTTLED']);

/** The client went away before its request was read or answered: nobody receives the answer. */
class RequestAborted extends Error {
  override readonly name = 'RequestAborted';
}

const ABORTED_CODE = 'REQUEST_ABORTED';

/** Like `toProblem`, and a request its client abandoned is a 400 that needs no investigation. */
function problemOf(error: unknown, requestId: string): ProblemResult {
  if (!(error instanceof RequestAborted)) return toProblem(error, requestId);
  return {
    problem: {
      type: problemType(ABORTED_CODE),
      title: problemTitle(ABORTED_CODE),
      status: 400,
      detail: 'the client closed the connection before the request was complete',
      code: ABORTED_CODE,
      hint: 'keep the connection open until the answer arrives',
      requestId,
    },
    headers: {},
    internal: false,
  };
}

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

/** Who acted and how, in every entry of a call: the token's id when a token did. */
function actedBy(c: Context<AppEnv>, principal: Principal) {
  return {
    via: principal.sessionId !== undefined ? 'session' : principal.kind,
    ...(principal.tokenId !== undefined ? { token: principal.tokenId } : {}),
    ip: clientIp(c),
  };
}

function pathTarget(c: Context<AppEnv>): string | undefined {
  const params = Object.values(c.req.param() as Record<string, string>);
  return params.length > 0 ? params.join('/') : undefined;
}

/**
 * The audit-log entry of a mutating call, written before anything else runs (outcome `started`), so a
 * call that never ends, or whose client left, is on record at once. 401s have no actor and are only
 * counted and logged.
 */
function startEntry(route: Route, c: Context<AppEnv>, principal: Principal, deps: PipelineDeps) {
  const target = pathTarget(c);
  return {
    at: deps.clock.now(),
    actor: principal.name,
    action: route.operationId,
    ...(target !== undefined ? { target } : {}),
    requestId: c.get('requestId'),
    detail: actedBy(c, principal),
  };
}

/** How the call ended: its outcome, with the handler's target and facts. */
function endEntry(
  c: Context<AppEnv>,
  principal: Principal,
  facts: AuditFacts,
  error: unknown,
  deps: PipelineDeps,
) {
  const target = facts.target ?? pathTarget(c);
  const code = error === undefined ? undefined : problemOf(error, c.get('requestId')).problem.code;
  return {
    at: deps.clock.now(),
    ...(target !== undefined ? { target } : {}),
    outcome:
      code === undefined
        ? ('ok' as const)
        : DENIED_CODES.has(code)
          ? ('denied' as const)
          : ('failed' as const),
    detail: {
      ...actedBy(c, principal),
      ...(code !== undefined ? { code } : {}),
      ...facts.detail,
    },
  };
}

function handlerFor(route: Route, deps: PipelineDeps) {
  const audited = route.mutating && route.audit !== 'handler';
  return async (c: Context<AppEnv>): Promise<Response> => {
    c.set('routeTemplate', route.path);
    const principal = await authenticate(c, route, deps);
    const entry =
      audited && principal ? deps.auditLog.start(startEntry(route, c, principal, deps)) : undefined;
    let facts: AuditFacts = {};
    try {
      if (principal) authorize(c, route, principal, deps);
      const input = await parseInput(c, route);
      const headers: Array<[string, string]> = [];
      // Made only for the handlers that read it (streams, operations): AbortSignal.any costs ~20 µs.
      let signal: AbortSignal | undefined;
      const value = await route.handler({
        ...input,
        principal,
        requestId: c.get('requestId'),
        ip: clientIp(c),
        setHeader: (name, v) => headers.push([name, v]),
        audit: (more) => {
          facts = { ...facts, ...more, detail: { ...facts.detail, ...more.detail } };
        },
        get signal() {
          signal ??= deps.shutdown ? AbortSignal.any([c.req.raw.signal, deps.shutdown]) : c.req.raw.signal;
          return signal;
        },
        header: (name) => c.req.header(name),
      });
      if (entry && principal) deps.auditLog.finish(entry.id, endEntry(c, principal, facts, undefined, deps));
      if (route.stream) {
        const response = value as Response;
        for (const [name, v] of headers) response.headers.append(name, v);
        return response;
      }
      for (const [name, v] of headers) c.header(name, v, { append: true });
      // A schema mismatch throws a ZodError, which the error handler turns into a 500.
      const output = deps.checkResponses ? route.response.parse(value) : value;
      if (route.contentType === JSON_CONTENT_TYPE) return c.json(output, route.status);
      return c.body(String(output), route.status, { 'Content-Type': route.contentType });
    } catch (caught: unknown) {
      // A body cut short, or a handler ended because its client left: the client's doing, not a fault.
      // Coded errors (a conflict, an engine failure) keep their code even when the client is gone.
      const aborted = c.req.raw.signal.aborted && toProblem(caught, c.get('requestId')).internal;
      const error = aborted ? new RequestAborted() : caught;
      if (entry && principal) deps.auditLog.finish(entry.id, endEntry(c, principal, facts, error, deps));
      throw error;
    }
  };
}

/** Mounts a route table with the enforcement pipeline, request ids, metrics and problem+json errors. */
export function mountRoutes(routes: readonly Route[], deps: PipelineDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', async (c, next) => {
    await next();
    const headers = c.res.headers;
    for (const [name, value] of SECURITY_HEADER_LIST) headers.set(name, value);
    if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
  });
  app.use('*', requestId(deps.newRequestId ?? randomUUID));
  app.use('*', observeRequests(deps.metrics, deps.clock, deps.logger));
  const limit = bodyLimit({
    maxSize: deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError('PAYLOAD_TOO_LARGE', 413, 'the body is too large', 'send a smaller body');
    },
  });
  for (const route of checkRoutes(routes)) {
    const handler = handlerFor(route, deps);
    if (route.body) app.on(route.method, route.path, limit, handler);
    else app.on(route.method, route.path, handler);
  }
  app.notFound((c) =>
    problemResponse(
      toProblem(
        new ApiError(
          'NOT_FOUND',
          404,
          'no route has this method and path',
          'GET /api/v1/openapi.json lists the routes',
        ),
        c.get('requestId'),
      ),
    ),
  );
  app.onError((error, c) => {
    const result = problemOf(error, c.get('requestId'));
    if (error instanceof RequestAborted) {
      deps.logger?.info(
        { requestId: c.get('requestId'), route: c.get('routeTemplate') },
        'client closed the connection before the request was complete',
      );
      return problemResponse(result);
    }
    if (isEngineError(error)) deps.metrics.engineErrors.inc({ code: error.code });
    // Hidden causes and domain failures on the server side (engine, store) go to the log with the
    // request id the client was given; the edge's own 5xx (NOT_READY) are deliberate answers.
    if (result.internal || (result.problem.status >= 500 && !(error instanceof ApiError))) {
      deps.logger?.error(
        { err: error, requestId: c.get('requestId'), route: c.get('routeTemplate') },
        'request failed',
      );
    }
    return problemResponse(result);
  });
  return app;
}
