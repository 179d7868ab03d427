import { z } from 'zod';
import { can } from '../../access/rbac.js';
import { StackNameSchema } from '../../api/common.js';
import {
  ContainerListSchema,
  DeploymentPageSchema,
  DownResultSchema,
  ExecRequestSchema,
  ExecResultSchema,
  PlanSchema,
} from '../../api/deploy.js';
import { StackConfigSchema } from '../../api/stacks.js';
import { redactComposeView, redactPlan, redactStoredPlan } from '../../deploy/redact.js';
import type { ServedStacks } from '../../deploy/service.js';
import type { JsonValue } from '../../store/index.js';
import { requireKnownListStack, requireStack, type StackScope } from '../stack-scope.js';
import { defineRoute, type Route } from './registry.js';

export interface RuntimeRouteDeps {
  readonly stacks: ServedStacks;
  /** The stacks this server answers for: a route naming any other answers 404 before it acts. */
  readonly scope: StackScope;
}

const stackParams = z.strictObject({ stack: StackNameSchema });

/**
 * What a failed container printed (its log tail, its last health check output) is for who may read
 * its logs: the operator. Berth masks the stack's secret values in it, but a program may print one
 * it derived or read elsewhere; a viewer sees the outcome and the reason. Every answer and event that
 * carries a failure goes through this (deployments, operations, the event stream).
 */
function withoutOutput<R extends { logTail?: unknown; healthOutput?: unknown }>(
  result: R,
): Omit<R, 'logTail' | 'healthOutput'> {
  const { logTail: _tail, healthOutput: _health, ...rest } = result;
  return rest;
}

type JsonObject = { [key: string]: JsonValue };

const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `logTail` stays, empty: the contract (ServiceFailure) requires it. */
const strippedFailure = (failure: JsonObject): JsonObject => ({ ...withoutOutput(failure), logTail: [] });

/**
 * A deploy's failure (the data of a `failure` deploy event) without its output; anything that
 * carries no output as it is.
 */
export function failureWithoutOutput(data: JsonValue | undefined): JsonValue | undefined {
  return isObject(data) && ('logTail' in data || 'healthOutput' in data) ? strippedFailure(data) : data;
}

/** An operation's result without the output of its failure (a failed `up`); any other result as it is. */
export function resultWithoutOutput(result: JsonValue | undefined): JsonValue | undefined {
  return isObject(result) && isObject(result.failure)
    ? { ...result, failure: strippedFailure(result.failure) }
    : result;
}

const flag = () => z.enum(['true', 'false']).optional();

/** What runs and what ran: plan, containers, exec, deployment history. */
export function runtimeRoutes(deps: RuntimeRouteDeps): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/stacks/:stack/plan',
      operationId: 'planStack',
      summary: 'What `up` would change, with a reason per field difference (changes nothing)',
      description:
        'Environment values are `[redacted]` for viewers; an operator of the stack sees them as `berth --local plan` does ' +
        '(values from `.env`, env files and secret-looking variables masked `********`). Build arguments are `[redacted]` for every role.',
      tags: ['deploy'],
      permission: { role: 'viewer', scope: 'stack' },
      mutating: false,
      errors: [404, 422, 503],
      params: stackParams,
      query: z.strictObject({
        build: flag().describe('Plan a rebuild of images with `build:`'),
      }),
      response: PlanSchema,
      example: { params: { stack: 'alpha' } },
      handler: async ({ principal, params, query }) => {
        await requireStack(deps.scope, params.stack);
        const plan = await deps.stacks.plan(params.stack, { build: query.build === 'true' });
        return redactPlan(plan, { envValues: can(principal, 'operator', params.stack) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/stacks/:stack/down-plan',
      operationId: 'planRemoval',
      summary: 'What `down` would remove: containers, networks, and volumes with `volumes` (changes nothing)',
      description: 'The same list that `POST /api/v1/stacks/{stack}/down` works out and removes.',
      tags: ['deploy'],
      permission: { role: 'viewer', scope: 'stack' },
      mutating: false,
      errors: [404, 503],
      params: stackParams,
      query: z.strictObject({ volumes: flag().describe('Also the stack’s named volumes') }),
      response: DownResultSchema,
      example: { params: { stack: 'alpha' } },
      handler: async ({ params, query }) => {
        await requireStack(deps.scope, params.stack);
        return deps.stacks.down(params.stack, { dryRun: true, volumes: query.volumes === 'true' });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/stacks/:stack/config',
      operationId: 'getStackConfig',
      summary: 'The stack as one normalized compose document (as `berth config --json`)',
      description:
        'Build arguments and inline secret contents are `[redacted]`; environment values too for viewers, while an operator of ' +
        'the stack sees them as `berth --local config` does (values from `.env`, env files and secret-looking variables masked `********`).',
      tags: ['stacks'],
      permission: { role: 'viewer', scope: 'stack' },
      mutating: false,
      errors: [404, 422],
      params: stackParams,
      response: StackConfigSchema,
      example: { params: { stack: 'alpha' } },
      handler: async ({ principal, params }) => {
        await requireStack(deps.scope, params.stack);
        const view = await deps.stacks.config(params.stack);
        return redactComposeView(view, { envValues: can(principal, 'operator', params.stack) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/containers',
      operationId: 'listContainers',
      summary: "Berth's containers (of one stack, or of every stack the caller may see)",
      description: 'One-off containers (jobs, restore drills) are listed only with `oneoff=true`.',
      tags: ['deploy'],
      permission: { role: 'viewer', scope: 'any-stack' },
      mutating: false,
      errors: [404, 503],
      query: z.strictObject({
        stack: StackNameSchema.optional(),
        oneoff: flag().describe('Also one-off containers'),
      }),
      response: ContainerListSchema,
      handler: async ({ principal, query }) => {
        if (query.stack !== undefined && !can(principal, 'viewer', query.stack)) return { items: [] };
        // A stack Berth knows nothing of is a typo, not a stack without containers.
        await requireKnownListStack(deps.scope, principal, query.stack);
        // Only the stacks the caller may see, and only this server's (an admin lists the others with
        // GET /api/v1/orphans): the other stacks' containers are left out before they are inspected.
        const items = await deps.stacks.ps(query.stack, {
          oneOff: query.oneoff === 'true',
          keep: async (stack) => can(principal, 'viewer', stack) && (await deps.scope.has(stack)),
        });
        return { items };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/stacks/:stack/exec',
      operationId: 'execInService',
      summary: 'Run a command (argv, no shell) in the first running container of a service',
      description: 'The command line is not written to the audit log, since arguments may carry secrets.',
      tags: ['deploy'],
      permission: { role: 'operator', scope: 'stack' },
      mutating: true,
      errors: [404, 409, 503],
      params: stackParams,
      body: ExecRequestSchema,
      response: ExecResultSchema,
      example: { params: { stack: 'alpha' }, body: { service: 'web', argv: ['true'] } },
      handler: async ({ params, body, audit }) => {
        audit({ detail: { service: body.service } });
        await requireStack(deps.scope, params.stack);
        await deps.stacks.requireService(params.stack, body.service, 'files-or-engine');
        return deps.stacks.exec(params.stack, body.service, body.argv);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/stacks/:stack/deployments',
      operationId: 'listDeployments',
      summary: "A stack's deployments, newest first, with each service's outcome",
      tags: ['deploy'],
      permission: { role: 'viewer', scope: 'stack' },
      mutating: false,
      errors: [404],
      params: stackParams,
      query: z.strictObject({
        limit: z.coerce.number().int().min(1).max(200).default(20),
        before: z.coerce.number().int().positive().optional().describe('`nextBefore` of the previous page'),
      }),
      response: DeploymentPageSchema,
      example: { params: { stack: 'alpha' }, query: { limit: 5 } },
      handler: async ({ principal, params, query }) => {
        const operator = can(principal, 'operator', params.stack);
        await requireStack(deps.scope, params.stack);
        const page = await deps.stacks.deployments(params.stack, {
          limit: query.limit,
          ...(query.before !== undefined ? { before: query.before } : {}),
        });
        return {
          items: page.items.map((d) => ({
            ...d,
            plan: redactStoredPlan(d.plan, { envValues: operator }),
            services: operator ? d.services : d.services.map(withoutOutput),
          })),
          ...(page.nextBefore !== undefined ? { nextBefore: page.nextBefore } : {}),
        };
      },
    }),
  ];
}
