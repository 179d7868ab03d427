import type { z } from 'zod';
import { can, type Permission, type Principal } from '../../access/rbac.js';
import { ROLES, type Role } from '../../access/roles.js';
import { JSON_CONTENT_TYPE } from '../../api/http.js';
import type { Sendable } from '../../api/wire.js';
import type { JsonValue } from '../../store/index.js';
import type { CallerAccess } from '../context.js';
import type { JsonText } from '../json-text.js';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** A role on at least one stack (or globally): for lists the handler filters to what the caller may see. */
export interface AnyStackPermission {
  readonly role: Role;
  readonly scope: 'any-stack';
}

/**
 * What a route needs. `authenticated`: any valid principal, whatever its grants (whoami, logout).
 * `public`: no principal at all, and only for the routes in PUBLIC_ROUTES.
 */
export type RoutePermission = Permission | AnyStackPermission | 'authenticated' | 'public';

/**
 * The only routes that may be public. Adding one is a deliberate, reviewed act: the login and
 * first-run setup routes of the auth service belong here when they land.
 */
export const PUBLIC_ROUTES: readonly string[] = [
  'GET /healthz',
  'GET /readyz',
  'GET /api/v1/openapi.json',
  // First-run setup (with the one-time setup token) and login: nobody is authenticated yet. Whether
  // setup is still needed is no secret: POST /api/v1/setup answers it to anyone too.
  'GET /api/v1/setup',
  'POST /api/v1/setup',
  'POST /api/v1/login',
];

type ObjectSchema = z.ZodObject;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
type In<S> = S extends z.ZodType ? z.input<S> : undefined;

export interface RequestContext<P, Q, B, Pr> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly principal: Pr;
  readonly requestId: string;
  /** The client's address as the socket saw it (`unknown` when there is no socket, e.g. in tests). */
  readonly ip: string;
  /** Adds a response header (e.g. `Set-Cookie`); repeated names are appended. */
  readonly setHeader: (name: string, value: string) => void;
  /**
   * Adds facts to the audit-log entry the pipeline writes for a mutating route: a target other than
   * the path parameters, or details. Never pass a secret: the entry is stored and shown as given.
   */
  readonly audit: (facts: AuditFacts) => void;
  /** Aborted when the client goes away or the server shuts down (streams end on it). */
  readonly signal: AbortSignal;
  /** A request header (e.g. `Last-Event-ID`); never log one, they carry credentials. */
  readonly header: (name: string) => string | undefined;
  /**
   * The caller as the auth service says now, and when that may have changed: a stream that outlives
   * its request re-checks with it, so a revoked token or a removed grant ends what it may read.
   */
  readonly access: CallerAccess;
}

export interface AuditFacts {
  readonly target?: string;
  readonly detail?: Readonly<Record<string, JsonValue>>;
}

export interface RouteDef<
  PS extends ObjectSchema | undefined,
  QS extends ObjectSchema | undefined,
  BS extends z.ZodType | undefined,
  RS extends z.ZodType,
  Perm extends RoutePermission,
> {
  readonly method: HttpMethod;
  /** Hono syntax: `/api/v1/stacks/:stack`. The template is also the metrics label. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly permission: Perm;
  /** Changes state: must not be GET, and browser sessions must send the CSRF token. */
  readonly mutating: boolean;
  readonly params?: PS;
  readonly query?: QS;
  readonly body?: BS;
  readonly response: RS;
  readonly status?: 200 | 201 | 202;
  /** Defaults to JSON; anything else is sent as text (metrics). */
  readonly contentType?: string;
  /** Problem statuses the handler itself may return, beyond those the pipeline adds (400/401/403/500). */
  readonly errors?: readonly number[];
  /**
   * Mutating routes are written to the audit log by the pipeline (who, what, target, outcome,
   * request id). `handler`: the handler writes its own entries, for the public routes (setup,
   * login) whose actor is the name being tried, since there is no principal yet.
   */
  readonly audit?: 'handler';
  /** A valid request, used by the OpenAPI document and the route-permission tests. */
  readonly example?: { readonly params?: In<PS>; readonly query?: In<QS>; readonly body?: In<BS> };
  readonly handler: (
    ctx: RequestContext<Out<PS>, Out<QS>, Out<BS>, Perm extends 'public' ? Principal | undefined : Principal>,
  ) => Promise<Answer<z.output<RS>>> | Answer<z.output<RS>>;
}

/** What a handler answers: the value (serialized by the pipeline), or its JSON text (`JsonText`). */
export type Answer<T> = Sendable<T> | JsonText<T>;

/** A route with its types erased: what the app mounts and the OpenAPI generator reads. */
export interface Route {
  readonly method: HttpMethod;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly permission: RoutePermission;
  readonly mutating: boolean;
  readonly params?: ObjectSchema;
  readonly query?: ObjectSchema;
  readonly body?: z.ZodType;
  readonly response: z.ZodType;
  readonly status: 200 | 201 | 202;
  readonly contentType: string;
  readonly errors: readonly number[];
  readonly audit?: 'handler';
  /** The handler returns a streaming Response itself (Server-Sent Events, NDJSON). */
  readonly stream: boolean;
  /** A stream's items by event name (see StreamRouteDef). */
  readonly items?: Readonly<Record<string, z.ZodType>>;
  readonly example: {
    readonly params?: Record<string, unknown>;
    readonly query?: Record<string, unknown>;
    readonly body?: unknown;
  };
  readonly handler: (ctx: RequestContext<unknown, unknown, unknown, Principal | undefined>) => unknown;
}

export const routeKey = (route: { method: string; path: string }): string => `${route.method} ${route.path}`;

export const pathParams = (path: string): string[] =>
  [...path.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] ?? '');

/** Throws when `value` is not a permission: a route without one must never be mounted. */
export function checkPermission(value: unknown, where: string): asserts value is RoutePermission {
  if (value === 'public' || value === 'authenticated') return;
  if (value === null || typeof value !== 'object') {
    throw new TypeError(
      `${where}: every route must declare a permission (a role and scope, 'authenticated' or 'public')`,
    );
  }
  const { role, scope } = value as { role?: unknown; scope?: unknown };
  if (!ROLES.includes(role as Role)) throw new TypeError(`${where}: unknown role ${String(role)}`);
  if (scope !== 'global' && scope !== 'stack' && scope !== 'any-stack') {
    throw new TypeError(`${where}: unknown permission scope ${String(scope)}`);
  }
}

/** Checks a route's declaration at definition time, so a wrong route fails on import, not in production. */
function checkRoute(route: Route): void {
  const where = `route ${routeKey(route)}`;
  if (!HTTP_METHODS.includes(route.method)) throw new TypeError(`${where}: unknown method`);
  if (!route.path.startsWith('/')) throw new TypeError(`${where}: the path must start with /`);
  checkPermission(route.permission, where);
  if (route.permission === 'public' && !PUBLIC_ROUTES.includes(routeKey(route))) {
    throw new TypeError(`${where}: not in PUBLIC_ROUTES; public routes are reviewed one by one`);
  }
  if (route.mutating !== (route.method !== 'GET')) {
    throw new TypeError(`${where}: GET routes must not mutate and every other method is mutating (CSRF)`);
  }
  if (route.method === 'GET' && route.body) throw new TypeError(`${where}: a GET route takes no body`);
  const declared = Object.keys(route.params?.shape ?? {}).sort();
  const inPath = pathParams(route.path).sort();
  if (declared.join() !== inPath.join()) {
    throw new TypeError(`${where}: params schema declares [${declared}] but the path has [${inPath}]`);
  }
  const permission = route.permission;
  if (typeof permission === 'object' && permission.scope === 'stack' && !inPath.includes('stack')) {
    throw new TypeError(`${where}: a stack-scoped permission needs a :stack path parameter`);
  }
  if (!/^[a-z][A-Za-z0-9]*$/.test(route.operationId)) {
    throw new TypeError(`${where}: operationId must be camelCase`);
  }
}

export function defineRoute<
  PS extends ObjectSchema | undefined = undefined,
  QS extends ObjectSchema | undefined = undefined,
  BS extends z.ZodType | undefined = undefined,
  RS extends z.ZodType = z.ZodType,
  Perm extends RoutePermission = RoutePermission,
>(def: RouteDef<PS, QS, BS, RS, Perm>): Route {
  const route: Route = {
    ...def,
    status: def.status ?? 200,
    contentType: def.contentType ?? JSON_CONTENT_TYPE,
    errors: def.errors ?? [],
    example: (def.example ?? {}) as Route['example'],
    stream: false,
    // The pipeline validates params, query and body with the route's own schemas before calling
    // the handler, so the erased signature receives exactly what the typed one declares.
    handler: def.handler as unknown as Route['handler'],
  };
  checkRoute(route);
  return Object.freeze(route);
}

/** A streaming route: what it sends is described by `response` (text) and `contentType`. */
export type StreamRouteDef<
  PS extends ObjectSchema | undefined,
  QS extends ObjectSchema | undefined,
  Perm extends RoutePermission,
> = Omit<RouteDef<PS, QS, undefined, z.ZodString, Perm>, 'handler' | 'body' | 'mutating' | 'method'> & {
  readonly contentType: string;
  /**
   * What the stream carries, by SSE event name (or `line` for NDJSON): the contract's schemas, listed
   * in the OpenAPI document as `x-berth-stream`.
   */
  readonly items: Readonly<Record<string, z.ZodType>>;
  readonly handler: (
    ctx: RequestContext<
      Out<PS>,
      Out<QS>,
      undefined,
      Perm extends 'public' ? Principal | undefined : Principal
    >,
  ) => Promise<Response> | Response;
};

/** A GET route whose handler answers with a streaming Response (events, logs). */
export function defineStreamRoute<
  PS extends ObjectSchema | undefined = undefined,
  QS extends ObjectSchema | undefined = undefined,
  Perm extends RoutePermission = RoutePermission,
>(def: StreamRouteDef<PS, QS, Perm>): Route {
  const route: Route = {
    ...def,
    method: 'GET',
    mutating: false,
    status: def.status ?? 200,
    errors: def.errors ?? [],
    example: (def.example ?? {}) as Route['example'],
    stream: true,
    handler: def.handler as unknown as Route['handler'],
  };
  checkRoute(route);
  return Object.freeze(route);
}

/** Refuses duplicate routes and operation ids across the whole table. */
export function checkRoutes(routes: readonly Route[]): readonly Route[] {
  const keys = new Set<string>();
  const ids = new Set<string>();
  for (const route of routes) {
    checkPermission(route.permission, `route ${routeKey(route)}`);
    if (keys.has(routeKey(route))) throw new TypeError(`route ${routeKey(route)} is defined twice`);
    if (ids.has(route.operationId)) throw new TypeError(`operationId ${route.operationId} is used twice`);
    keys.add(routeKey(route));
    ids.add(route.operationId);
  }
  return routes;
}

/** Holds `role` on some stack (or globally); token scopes are honoured because every check goes through `can`. */
export function canSome(principal: Principal, role: Role): boolean {
  if (can(principal, role)) return true;
  const stacks = new Set<string>(principal.tokenScope?.stacks ?? []);
  for (const grant of principal.grants) if (grant.stack !== undefined) stacks.add(grant.stack);
  return [...stacks].some((stack) => can(principal, role, stack));
}

/** Whether `principal` may call a route with these path parameters. */
export function allows(
  principal: Principal,
  permission: Exclude<RoutePermission, 'public'>,
  params: Readonly<Record<string, string | undefined>>,
): boolean {
  if (permission === 'authenticated') return true;
  switch (permission.scope) {
    case 'global':
      return can(principal, permission.role);
    case 'stack': {
      // Never fall back to a global check when the parameter is missing.
      const stack = params.stack;
      return stack !== undefined && stack !== '' && can(principal, permission.role, stack);
    }
    case 'any-stack':
      return canSome(principal, permission.role);
  }
}
