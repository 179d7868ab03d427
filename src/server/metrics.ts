import type { MiddlewareHandler } from 'hono';
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { z } from 'zod';
import type { AppEnv, AppLogger } from './context.js';
import { defineRoute, HTTP_METHODS, type HttpMethod } from './routes/registry.js';

/** Label of requests that matched no route: raw paths would make one series per probe. */
export const UNMATCHED_ROUTE = 'unmatched';

export const DEPLOY_OUTCOMES = ['unchanged', 'succeeded', 'failed', 'rolled-back'] as const;
export type DeployOutcome = (typeof DEPLOY_OUTCOMES)[number];

/**
 * The app's metrics, in a registry of its own (never prom-client's global one), so two apps in one
 * process (tests) never share or double-register series.
 */
export interface AppMetrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** For the deploy routes: one increment per finished deploy. */
  readonly deploys: Counter<'stack' | 'outcome'>;
  readonly deployDuration: Histogram<'outcome'>;
  /** Docker Engine failures seen by requests and operations, by code (ENGINE_UNAVAILABLE…). */
  readonly engineErrors: Counter<'code'>;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop): on for `berth serve`, off in tests. */
  readonly processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): AppMetrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'berth_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'berth_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    deploys: new Counter({
      name: 'berth_deploys_total',
      help: 'Finished deploys by stack and outcome (unchanged, succeeded, failed, rolled-back)',
      labelNames: ['stack', 'outcome'],
      registers: [registry],
    }),
    deployDuration: new Histogram({
      name: 'berth_deploy_duration_seconds',
      help: 'Deploy duration by outcome',
      labelNames: ['outcome'],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200],
      registers: [registry],
    }),
    engineErrors: new Counter({
      name: 'berth_engine_errors_total',
      help: 'Docker Engine failures seen by API requests and operations, by error code',
      labelNames: ['code'],
      registers: [registry],
    }),
  };
}

const methodLabel = (method: string): string =>
  HTTP_METHODS.includes(method as HttpMethod) || method === 'HEAD' ? method : 'OTHER';

/**
 * Times every request and writes one access-log line. Runs outside the error handler, so failed
 * requests are observed with the status of their problem response.
 */
export function observeRequests(
  metrics: AppMetrics,
  clock: { now(): Date },
  logger: AppLogger | undefined,
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const start = clock.now().getTime();
    await next();
    const seconds = Math.max(0, clock.now().getTime() - start) / 1000;
    const route = c.get('routeTemplate') ?? UNMATCHED_ROUTE;
    const status = c.res.status;
    metrics.httpDuration.observe(
      { method: methodLabel(c.req.method), route, status: String(status) },
      seconds,
    );
    logger?.info(
      { requestId: c.get('requestId'), method: c.req.method, route, status, ms: Math.round(seconds * 1000) },
      'request',
    );
  };
}

/**
 * GET /metrics on the API listener, admin only: no second listener to secure, and a scraper uses
 * an API token whose scope is capped at what it needs (`admin` here, since the series name stacks).
 */
export function metricsRoute(metrics: AppMetrics) {
  return defineRoute({
    method: 'GET',
    path: '/metrics',
    operationId: 'getMetrics',
    summary: 'Prometheus metrics',
    tags: ['system'],
    permission: { role: 'admin', scope: 'global' },
    mutating: false,
    response: z.string(),
    contentType: metrics.registry.contentType,
    handler: () => metrics.registry.metrics(),
  });
}
