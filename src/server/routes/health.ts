import { z } from 'zod';
import { can } from '../../access/rbac.js';
import { StackNameSchema } from '../../api/common.js';
import { type HealthList, HealthListSchema, type ProbeDetail, ProbeDetailSchema } from '../../api/health.js';
import type { HealthService } from '../../health/service.js';
import { requireKnownListStack, requireKnownStack, type StackScope } from '../stack-scope.js';
import { defineRoute, type Route } from './registry.js';

export interface HealthRouteDeps {
  readonly health: HealthService;
}

const NAME = z.string().min(1).max(128);

/** A result without what the checked program printed: that is, like logs, for operators. */
function withoutOutput<R extends { output?: string }>(result: R): Omit<R, 'output'> {
  const { output: _output, ...rest } = result;
  return rest;
}

type ProbeView = HealthList['items'][number];

const viewWithoutOutput = (probe: ProbeView): ProbeView =>
  probe.last?.output === undefined ? probe : { ...probe, last: withoutOutput(probe.last) };

/** The list as a caller reads it: the output of the probes of stacks it does not operate left out. */
export function healthListFor(list: HealthList, operator: (stack: string) => boolean): HealthList {
  return { ...list, items: list.items.map((p) => (operator(p.stack) ? p : viewWithoutOutput(p))) };
}

/** One probe as a caller who does not operate its stack reads it: without any output. */
export function probeDetailWithoutOutput(detail: ProbeDetail): ProbeDetail {
  return {
    ...detail,
    probe: viewWithoutOutput(detail.probe),
    failures: detail.failures.map(withoutOutput),
  };
}

/** Health: every probe's state, last result and uptime; one probe's failures and hourly history. */
export function healthRoutes(deps: HealthRouteDeps, scope: StackScope): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/health',
      operationId: 'listHealth',
      summary:
        'Every probe of the stacks the caller may view: state, since when, last result, uptime 24 h/7 d/30 d',
      description:
        "What the checked program printed (`last.output`: a health check's, a command probe's) only for the stack's operators.",
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
        return healthListFor(
          deps.health.list(query.stack, (stack) => can(principal, 'viewer', stack)),
          (stack) => can(principal, 'operator', stack),
        );
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/stacks/:stack/health/:service/:probe',
      operationId: 'getProbe',
      summary: 'One probe: its state, its newest failures and its hourly results of the last 48 hours',
      description:
        "What the checked program printed (`output`: a health check's, a command probe's) only for the stack's operators.",
      tags: ['health'],
      permission: { role: 'viewer', scope: 'stack' },
      mutating: false,
      errors: [404, 503],
      params: z.strictObject({ stack: StackNameSchema, service: NAME, probe: NAME }),
      response: ProbeDetailSchema,
      example: { params: { stack: 'alpha', service: 'web', probe: 'home' } },
      handler: async ({ params, principal }) => {
        await requireKnownStack(scope, params.stack);
        const detail = deps.health.detail(params);
        return can(principal, 'operator', params.stack) ? detail : probeDetailWithoutOutput(detail);
      },
    }),
  ];
}
