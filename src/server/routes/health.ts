import { z } from 'zod';
import { can } from '../../access/rbac.js';
import { StackNameSchema } from '../../api/common.js';
import { HealthListSchema, ProbeDetailSchema } from '../../api/health.js';
import type { HealthService } from '../../health/service.js';
import { requireKnownListStack, requireKnownStack, type StackScope } from '../stack-scope.js';
import { defineRoute, type Route } from './registry.js';

export interface HealthRouteDeps {
  readonly health: HealthService;
}

const NAME = z.string().min(1).max(128);

/** Health: every probe's state, last result and uptime; one probe's failures and hourly history. */
export function healthRoutes(deps: HealthRouteDeps, scope: StackScope): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/health',
      operationId: 'listHealth',
      summary:
        'Every probe of the stacks the caller may view: state, since when, last result, uptime 24 h/7 d/30 d',
      tags: ['health'],
      permission: { role: 'viewer', scope: 'any-stack' },
      mutating: false,
      errors: [404, 503],
      query: z.strictObject({ stack: StackNameSchema.optional() }),
      response: HealthListSchema,
      // Probes and crash-looping containers of the stacks the caller may view (a container's stack
      // is its label, never guessed from its name).
      handler: async ({ principal, query }) => {
        await requireKnownListStack(scope, principal, query.stack);
        return deps.health.list(query.stack, (stack) => can(principal, 'viewer', stack));
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/stacks/:stack/health/:service/:probe',
      operationId: 'getProbe',
      summary: 'One probe: its state, its newest failures and its hourly results of the last 48 hours',
      tags: ['health'],
      permission: { role: 'viewer', scope: 'stack' },
      mutating: false,
      errors: [404, 503],
      params: z.strictObject({ stack: StackNameSchema, service: NAME, probe: NAME }),
      response: ProbeDetailSchema,
      example: { params: { stack: 'alpha', service: 'web', probe: 'home' } },
      handler: async ({ params }) => {
        await requireKnownStack(scope, params.stack);
        return deps.health.detail(params);
      },
    }),
  ];
}
