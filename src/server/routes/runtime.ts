import { z } from 'zod';
import { redactComposeView, redactPlan, redactStoredPlan } from '../../deploy/redact.js';
import type { StackOperations } from '../../deploy/service.js';
import { can } from '../rbac.js';
import { defineRoute, type Route } from './registry.js';
import { STACK_NAME } from './stacks.js';

export interface RuntimeRouteDeps {
  readonly stacks: StackOperations;
}

const stackParams = z.strictObject({ stack: STACK_NAME });

/** A plan as JSON; environment values and build arguments are redacted (names kept). */
export const PlanSchema = z.looseObject({
  stack: z.string(),
  resources: z.array(z.json()),
  builds: z.array(z.json()),
  services: z.array(
    z.looseObject({ service: z.string(), level: z.number().int(), steps: z.array(z.json()) }),
  ),
  removals: z.array(z.json()),
  problems: z.array(z.object({ code: z.string(), message: z.string(), hint: z.string() })),
});

export const ContainerRowSchema = z.object({
  stack: z.string(),
  service: z.string(),
  replica: z.number().int(),
  name: z.string(),
  id: z.string(),
  state: z.string(),
  health: z.string().optional(),
  status: z.string(),
  ports: z.array(z.string()),
  image: z.string(),
});

const DeploymentSchema = z.object({
  id: z.number().int(),
  stack: z.string(),
  trigger: z.string(),
  actor: z.string().optional(),
  plan: z.json(),
  status: z.string(),
  summary: z.string().optional(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  services: z.array(
    z.object({
      deploymentId: z.number().int(),
      service: z.string(),
      outcome: z.string(),
      reason: z.string().optional(),
      exitCode: z.number().int().optional(),
      logTail: z.array(z.string()).optional(),
      healthOutput: z.string().optional(),
      recordedAt: z.string(),
    }),
  ),
});

const plain = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
/** Plain JSON as the schemas read it (readonly arrays and typed specs become JSON values). */
const asJson = (value: unknown): z.output<typeof PlanSchema> => JSON.parse(JSON.stringify(value));

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
        build: z.enum(['true', 'false']).optional().describe('Plan a rebuild of images with `build:`'),
      }),
      response: PlanSchema,
      example: { params: { stack: 'alpha' } },
      handler: async ({ params, query }) =>
        asJson(redactPlan(await deps.stacks.plan(params.stack, { build: query.build === 'true' }))),
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
      response: z.record(z.string(), z.json()),
      example: { params: { stack: 'alpha' } },
      handler: async ({ params }) =>
        JSON.parse(JSON.stringify(redactComposeView(await deps.stacks.config(params.stack)))) as Record<
          string,
          z.core.util.JSONType
        >,
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/containers',
      operationId: 'listContainers',
      summary: "Berth's containers (of one stack, or of every stack the caller may see)",
      tags: ['deploy'],
      permission: { role: 'viewer', scope: 'any-stack' },
      mutating: false,
      query: z.strictObject({ stack: STACK_NAME.optional() }),
      response: z.object({ items: z.array(ContainerRowSchema) }),
      handler: async ({ principal, query }) => {
        if (query.stack !== undefined && !can(principal, 'viewer', query.stack)) return { items: [] };
        const rows = await deps.stacks.ps(query.stack);
        return {
          items: rows
            .filter((r) => can(principal, 'viewer', r.stack))
            .map((r) => ({ ...r, ports: [...r.ports] })),
        };
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
      body: z.strictObject({
        service: z.string().min(1).max(128),
        argv: z.array(z.string().max(65536)).min(1).max(1024),
      }),
      response: z.object({
        exitCode: z.number().int(),
        stdout: z.string(),
        stderr: z.string(),
        truncated: z.boolean(),
      }),
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
      response: z.object({ items: z.array(DeploymentSchema), nextBefore: z.number().int().optional() }),
      example: { params: { stack: 'alpha' }, query: { limit: 5 } },
      handler: async ({ params, query }) => {
        const page = await deps.stacks.deployments(params.stack, {
          limit: query.limit,
          ...(query.before !== undefined ? { before: query.before } : {}),
        });
        return {
          items: plain(page.items).map((d) => ({ ...d, plan: redactStoredPlan(d.plan) })),
          ...(page.nextBefore !== undefined ? { nextBefore: page.nextBefore } : {}),
        };
      },
    }),
  ];
}
