import type { Context } from 'hono';
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
 * Records one finished request: its duration by method, route template and status, and one
 * access-log line. Called by the edge middleware, outside the error handler, so failed requests are
 * observed with the status of their problem response.
 */
export function observeRequest(
  c: Context<AppEnv>,
  deps: { readonly metrics: AppMetrics; readonly clock: Pick<Clock, 'now'>; readonly logger?: AppLogger },
  startMs: number,
  status: number,
): void {
  const seconds = Math.max(0, deps.clock.now().getTime() - startMs) / 1000;
  const route = c.get('routeTemplate') ?? UNMATCHED_ROUTE;
  const method = c.req.method;
  deps.metrics.httpDuration.observe({ method: methodLabel(method), route, status: String(status) }, seconds);
  // A read that succeeded is logged at debug: at hundreds of reads a second, a line each (a
  // synchronous write) cost more than answering them. Writes, failures and refusals stay at info.
  // The line is not even built when its level is off.
  const logger = deps.logger;
  if (logger === undefined) return;
  const quiet = status < 400 && (method === 'GET' || method === 'HEAD');
  if (quiet && (logger.debug === undefined || logger.isLevelEnabled?.('debug') === false)) return;
  const line = { requestId: c.get('requestId'), method, route, status, ms: Math.round(seconds * 1000) };
  if (quiet) logger.debug?.(line, 'request');
  else logger.info(line, 'request');
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
