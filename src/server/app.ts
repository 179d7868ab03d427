import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { isEngineError } from '../engine/errors.js';
import type { AppMetrics } from '../metrics/registry.js';
import { problemOf, RequestAborted } from './audit-entries.js';
import type { AppEnv, AppLogger } from './context.js';
import { edge } from './edge.js';
import { metricsRoute } from './metrics.js';
import { withOpenApi } from './openapi.js';
import { handlerFor, type PipelineDeps } from './pipeline.js';
import { ApiError, problemResponse, toProblem } from './problem.js';
import { KeptMatchRouter } from './router.js';
import { type AlertRouteDeps, alertRoutes } from './routes/alerts.js';
import { auditLogRoutes } from './routes/audit-log.js';
import { type AuthRouteDeps, authRoutes } from './routes/auth.js';
import { type BackupRouteDeps, backupRoutes } from './routes/backups.js';
import { type ControlDeps, controlRoutes } from './routes/control.js';
import { type FindingRouteDeps, findingRoutes } from './routes/findings.js';
import { type HealthRouteDeps, healthRoutes } from './routes/health.js';
import { type JobRouteDeps, jobRoutes } from './routes/jobs.js';
import { checkRoutes, type Route } from './routes/registry.js';
import { type StackDeps, stackRoutes } from './routes/stacks.js';
import { type SystemDeps, systemRoutes } from './routes/system.js';
import { tokenRoutes } from './routes/tokens.js';
import { userRoutes } from './routes/users.js';
import type { StackScope } from './stack-scope.js';

export { SECURITY_HEADERS } from './edge.js';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface AppDeps extends SystemDeps, StackDeps, PipelineDeps {
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
  /** Injected so each app has its own registry; `createMetrics()`. */
  readonly metrics: AppMetrics;
  readonly logger?: AppLogger;
  readonly version: string;
  /** Defaults to random UUIDs. */
  readonly newRequestId?: () => string;
  readonly maxBodyBytes?: number;
}

/** An app without the control routes (a test of one part) refuses no stack name. */
const ANY_STACK: StackScope = { has: async () => true, known: async () => true };

/** Every route of the API, each with its permission: what the app mounts and the OpenAPI document lists. */
export function appRoutes(deps: AppDeps): Route[] {
  // The stacks the routes know (see StackScope): the composition root's, with the control routes.
  const scope = deps.control?.scope ?? ANY_STACK;
  const routes = [
    ...systemRoutes(deps),
    ...(deps.authRoutes
      ? [
          ...authRoutes(deps.authRoutes),
          ...tokenRoutes(deps.authRoutes),
          ...userRoutes({
            ...deps.authRoutes,
            listStacks: deps.listStacks,
            ...(deps.workspaceError ? { workspaceError: deps.workspaceError } : {}),
          }),
          ...auditLogRoutes(deps.authRoutes),
        ]
      : []),
    ...stackRoutes(deps),
    ...(deps.control ? controlRoutes(deps.control) : []),
    ...(deps.jobs ? jobRoutes(deps.jobs, scope) : []),
    ...(deps.backups ? backupRoutes(deps.backups, scope) : []),
    ...(deps.health ? healthRoutes(deps.health, scope) : []),
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

type MountDeps = PipelineDeps & Pick<AppDeps, 'metrics' | 'logger' | 'newRequestId' | 'maxBodyBytes'>;

/** Mounts a route table with the enforcement pipeline, request ids, metrics and problem+json errors. */
export function mountRoutes(routes: readonly Route[], deps: MountDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>({ router: new KeptMatchRouter() });
  app.use(
    '*',
    edge({
      newRequestId: deps.newRequestId ?? randomUUID,
      metrics: deps.metrics,
      clock: deps.clock,
      ...(deps.logger ? { logger: deps.logger } : {}),
    }),
  );
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
