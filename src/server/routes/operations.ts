import { z } from 'zod';
import type { StackOperations } from '../../deploy/service.js';
import type { JsonValue, Operation, OperationKind, OperationStore } from '../../store/index.js';
import type { AppMetrics, DeployOutcome } from '../metrics.js';
import type { OperationRequest, OperationRunner } from '../operations.js';
import { ApiError } from '../problem.js';
import { can, type Principal } from '../rbac.js';
import { type AuditFacts, defineRoute, type Route } from './registry.js';
import { STACK_NAME } from './stacks.js';

export interface OperationRouteDeps {
  readonly stacks: StackOperations;
  readonly runner: OperationRunner;
  readonly operations: Pick<OperationStore, 'get'>;
  readonly metrics: AppMetrics;
}

const ErrorSchema = z.object({ code: z.string(), message: z.string(), hint: z.string() });
export const OperationSchema = z.object({
  id: z.string(),
  stack: z.string(),
  kind: z.enum(['up', 'down', 'restart']),
  actor: z.string(),
  requestId: z.string(),
  status: z.enum(['running', 'succeeded', 'failed', 'interrupted']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  result: z.json().optional(),
  error: ErrorSchema.optional(),
  /** Where to follow it: an SSE stream that ends with the operation. */
  events: z.string(),
});

export const eventsUrl = (id: string) => `/api/v1/events?operation=${encodeURIComponent(id)}`;
const view = (op: Operation) => ({ ...op, events: eventsUrl(op.id) });
const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as JsonValue;

const stackParams = z.strictObject({ stack: STACK_NAME });

/** up, down and restart: each answers 202 with an operation to follow; the work runs in the server. */
export function operationRoutes(deps: OperationRouteDeps): Route[] {
  // Engine failures that ended an operation count like those of requests (berth_engine_errors_total).
  const finished = (op: Operation) => {
    if (op.error?.code.startsWith('ENGINE_')) deps.metrics.engineErrors.inc({ code: op.error.code });
  };
  const deployFinished = (op: Operation, seconds: number) => {
    finished(op);
    const outcome = ((op.result as { outcome?: DeployOutcome } | undefined)?.outcome ??
      'failed') as DeployOutcome;
    const label =
      op.status === 'succeeded' ? outcome : op.status === 'interrupted' ? 'interrupted' : 'failed';
    deps.metrics.deploys.inc({ stack: op.stack, outcome: label });
    deps.metrics.deployDuration.observe({ outcome: label }, seconds);
  };
  /** Starts an operation for the caller, notes its id in the audit entry, answers its view (202). */
  const launch = (
    kind: OperationKind,
    ctx: {
      params: { stack: string };
      principal: Principal;
      requestId: string;
      audit: (f: AuditFacts) => void;
    },
    run: OperationRequest['run'],
    detail: Record<string, JsonValue>,
    onFinished: (op: Operation, seconds: number) => void = finished,
  ) => {
    const op = deps.runner.start({
      kind,
      stack: ctx.params.stack,
      actor: ctx.principal.name,
      requestId: ctx.requestId,
      run,
      onFinished,
    });
    ctx.audit({ detail: { operation: op.id, ...detail } });
    return view(op);
  };
  return [
    defineRoute({
      method: 'POST',
      path: '/api/v1/stacks/:stack/up',
      operationId: 'deployStack',
      summary: 'Deploy a stack: in dependency order, gated on health, rolled back whole on failure',
      description:
        'Answers 202 at once with an operation; follow its progress at `events` (Server-Sent Events). ' +
        'Its `result` says unchanged, succeeded, failed or rolled-back.',
      tags: ['deploy'],
      permission: { role: 'operator', scope: 'stack' },
      mutating: true,
      status: 202,
      errors: [409, 503],
      params: stackParams,
      body: z.strictObject({
        build: z.boolean().optional().describe('Rebuild images of services with `build:`'),
      }),
      response: OperationSchema,
      example: { params: { stack: 'alpha' }, body: {} },
      handler: (ctx) => {
        const { params, body, principal } = ctx;
        return launch(
          'up',
          ctx,
          async ({ onEvent, signal }) =>
            json(
              await deps.stacks.up(params.stack, {
                trigger: 'api',
                actor: principal.name,
                ...(body.build ? { build: true } : {}),
                onEvent,
                signal,
              }),
            ),
          body.build ? { build: true } : {},
          deployFinished,
        );
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/stacks/:stack/down',
      operationId: 'removeStack',
      summary: "Stop and remove a stack's containers and networks (volumes only with `volumes`)",
      description:
        'Removing volumes deletes their data, so `volumes: true` needs the admin role on the stack.',
      tags: ['deploy'],
      permission: { role: 'operator', scope: 'stack' },
      mutating: true,
      status: 202,
      errors: [409, 503],
      params: stackParams,
      body: z.strictObject({ volumes: z.boolean().optional() }),
      response: OperationSchema,
      example: { params: { stack: 'alpha' }, body: {} },
      handler: (ctx) => {
        const { params, body, principal } = ctx;
        if (body.volumes && !can(principal, 'admin', params.stack)) {
          throw new ApiError(
            'FORBIDDEN',
            403,
            `removing the volumes of ${params.stack} deletes their data and needs the admin role on it`,
            'ask an admin, or remove the stack without its volumes',
          );
        }
        return launch(
          'down',
          ctx,
          async ({ onEvent }) =>
            json(
              await deps.stacks.down(params.stack, { ...(body.volumes ? { volumes: true } : {}), onEvent }),
            ),
          { volumes: body.volumes === true },
        );
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/stacks/:stack/restart',
      operationId: 'restartStack',
      summary: 'Restart a stack (or one service) in dependency order, gated on health',
      tags: ['deploy'],
      permission: { role: 'operator', scope: 'stack' },
      mutating: true,
      status: 202,
      errors: [409, 503],
      params: stackParams,
      body: z.strictObject({ service: z.string().min(1).max(128).optional() }),
      response: OperationSchema,
      example: { params: { stack: 'alpha' }, body: {} },
      handler: (ctx) => {
        const { params, body } = ctx;
        return launch(
          'restart',
          ctx,
          async ({ onEvent }) =>
            json(
              await deps.stacks.restart(params.stack, {
                ...(body.service ? { service: body.service } : {}),
                onEvent,
              }),
            ),
          body.service ? { service: body.service } : {},
        );
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/stacks/:stack/operations/:operation',
      operationId: 'getOperation',
      summary: 'One operation: running, or how it ended (result or error)',
      tags: ['deploy'],
      permission: { role: 'viewer', scope: 'stack' },
      mutating: false,
      errors: [404],
      params: z.strictObject({ stack: STACK_NAME, operation: z.string().min(1).max(128) }),
      response: OperationSchema,
      example: { params: { stack: 'alpha', operation: 'op-example' } },
      handler: ({ params }) => {
        const op = deps.operations.get(params.operation);
        // Another stack's operation is reported as missing: the caller's grant is for this stack.
        if (!op || op.stack !== params.stack) {
          throw new ApiError(
            'OPERATION_NOT_FOUND',
            404,
            `no operation ${params.operation} on stack ${params.stack}`,
            'the id is in the 202 answer of up, down or restart',
          );
        }
        return view(op);
      },
    }),
  ];
}
