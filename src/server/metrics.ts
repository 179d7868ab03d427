import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { AppMetrics } from '../metrics/registry.js';
import type { AppEnv, AppLogger } from './context.js';
import { defineRoute, HTTP_METHODS, type HttpMethod } from './routes/registry.js';

/** Label of requests that matched no route: raw paths would make one series per probe. */
export const UNMATCHED_ROUTE = 'unmatched';

const methodLabel = (method: string): string =>
  HTTP_METHODS.includes(method as HttpMethod) || method === 'HEAD' ? method : 'OTHER';

/**
 * Times every request and writes one access-log line. Runs outside the error handler, so failed
 * requests are observed with the status of their problem response.
 */
export function observeRequests(
  metrics: AppMetrics,
  clock: Pick<Clock, 'now'>,
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
    // A read that succeeded is logged at debug: at hundreds of reads a second, a line each (a
    // synchronous write) cost more than answering them. Writes, failures and refusals stay at info.
    const line = {
      requestId: c.get('requestId'),
      method: c.req.method,
      route,
      status,
      ms: Math.round(seconds * 1000),
    };
    if (status < 400 && (c.req.method === 'GET' || c.req.method === 'HEAD')) logger?.debug?.(line, 'request');
    else logger?.info(line, 'request');
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
