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
import type { StackOperations } from '../../deploy/service.js';
import { defineRoute, type Route } from './registry.js';

export interface RuntimeRouteDeps {
  readonly stacks: StackOperations;
}

const stackParams = z.strictObject({ stack: StackNameSchema });
const flag = () => z.enum(['true', 'false']).optional();

/** What runs and what ran: plan, containers, exec, deployment history. */
export function runtimeRoutes(deps: RuntimeRouteDeps): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/stacks/:stack/plan',
      operationId: 'planStack',
      summary: 'What `up` would change, with a reason per field difference (changes nothing)',
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
      handler: async ({ params, query }) =>
        redactPlan(await deps.stacks.plan(params.stack, { build: query.build === 'true' })),
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
      errors: [503],
      params: stackParams,
      query: z.strictObject({ volumes: flag().describe('Also the stack’s named volumes') }),
      response: DownResultSchema,
      example: { params: { stack: 'alpha' } },
      handler: ({ params, query }) =>
        deps.stacks.down(params.stack, { dryRun: true, volumes: query.volumes === 'true' }),
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/stacks/:stack/config',
      operationId: 'getStackConfig',
      summary: 'The stack as one normalized compose document (as `berth config --json`)',
      description: 'Environment values, build arguments and inline secret contents are `[redacted]`.',
      tags: ['stacks'],
      permission: { role: 'viewer', scope: 'stack' },
      mutating: false,
      errors: [404, 422],
      params: stackParams,
      response: StackConfigSchema,
      example: { params: { stack: 'alpha' } },
      handler: async ({ params }) => redactComposeView(await deps.stacks.config(params.stack)),
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
      query: z.strictObject({
        stack: StackNameSchema.optional(),
        oneoff: flag().describe('Also one-off containers'),
      }),
      response: ContainerListSchema,
      handler: async ({ principal, query }) => {
        if (query.stack !== undefined && !can(principal, 'viewer', query.stack)) return { items: [] };
        const rows = await deps.stacks.ps(query.stack, { oneOff: query.oneoff === 'true' });
        return { items: rows.filter((r) => can(principal, 'viewer', r.stack)) };
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
      params: stackParams,
      query: z.strictObject({
        limit: z.coerce.number().int().min(1).max(200).default(20),
        before: z.coerce.number().int().positive().optional().describe('`nextBefore` of the previous page'),
      }),
      response: DeploymentPageSchema,
      example: { params: { stack: 'alpha' }, query: { limit: 5 } },
      handler: async ({ params, query }) => {
        const page = await deps.stacks.deployments(params.stack, {
          limit: query.limit,
          ...(query.before !== undefined ? { before: query.before } : {}),
        });
        return {
          items: page.items.map((d) => ({ ...d, plan: redactStoredPlan(d.plan) })),
          ...(page.nextBefore !== undefined ? { nextBefore: page.nextBefore } : {}),
        };
      },
    }),
  ];
}
