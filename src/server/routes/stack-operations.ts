import { z } from 'zod';
import { can, type Principal } from '../../access/rbac.js';
import { StackNameSchema } from '../../api/common.js';
import { outcomeOf } from '../../api/operation-outcome.js';
import {
  DownRequestSchema,
  type OperationKind,
  OperationListSchema,
  type OperationRecord,
  OperationSchema,
  operationEventsUrl,
  RestartRequestSchema,
  UpRequestSchema,
} from '../../api/operations.js';
import type { ServedStacks } from '../../deploy/service.js';
import type { OperationRequest, OperationRunner } from '../../operations/runner.js';
import type { JsonValue, OperationStore } from '../../store/index.js';
import { ApiError } from '../problem.js';
import { requireStack, type StackScope } from '../stack-scope.js';
import { type AuditFacts, defineRoute, type Route } from './registry.js';
import { resultWithoutOutput } from './runtime.js';

export interface OperationRouteDeps {
  readonly stacks: ServedStacks;
  readonly runner: OperationRunner;
  readonly operations: Pick<OperationStore, 'get' | 'list'>;
  /** The stacks this server answers for: any other is refused before an operation exists. */
  readonly scope: StackScope;
}

const view = (op: OperationRecord) => ({ ...op, events: operationEventsUrl(op.id) });

/** An operation without what a failed container printed (see withoutOutput): for viewers. */
function operationWithoutOutput(op: OperationRecord): OperationRecord {
  const result = resultWithoutOutput(op.result);
  return result === undefined ? op : { ...op, result };
}

const stackParams = z.strictObject({ stack: StackNameSchema });

interface LaunchContext {
  readonly params: { readonly stack: string };
  readonly principal: Principal;
  readonly requestId: string;
  readonly audit: (f: AuditFacts) => void;
}

/** up, down and restart: each answers 202 with an operation to follow; the work runs in the server. */
export function operationRoutes(deps: OperationRouteDeps): Route[] {
  /**
   * Starts an operation for the caller, notes its id in the audit entry, answers its view (202). A
   * stack outside the scope is refused first: no operation, event or metric series is made for it.
   */
  const launch = async <K extends OperationKind>(
    kind: K,
    ctx: LaunchContext,
    run: OperationRequest<K>['run'],
    detail: Record<string, JsonValue>,
  ) => {
    await requireStack(deps.scope, ctx.params.stack);
    const op = deps.runner.start({
      kind,
      stack: ctx.params.stack,
      actor: ctx.principal.name,
      requestId: ctx.requestId,
      run,
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
      errors: [404, 409, 503],
      params: stackParams,
      body: UpRequestSchema,
      response: OperationSchema,
      example: { params: { stack: 'alpha' }, body: {} },
      handler: (ctx) => {
        const { params, body, principal } = ctx;
        return launch(
          'up',
          ctx,
          ({ onEvent, signal }) =>
            deps.stacks.up(params.stack, {
              trigger: 'api',
              actor: principal.name,
              ...(body.build ? { build: true } : {}),
              ...(body.skipBackup ? { skipBackup: true } : {}),
              onEvent,
              signal,
            }),
          { ...(body.build ? { build: true } : {}), ...(body.skipBackup ? { skipBackup: true } : {}) },
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
      errors: [404, 409, 503],
      params: stackParams,
      body: DownRequestSchema,
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
          ({ onEvent }) =>
            deps.stacks.down(params.stack, { ...(body.volumes ? { volumes: true } : {}), onEvent }),
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
      errors: [404, 409, 503],
      params: stackParams,
      body: RestartRequestSchema,
      response: OperationSchema,
      example: { params: { stack: 'alpha' }, body: {} },
      handler: async (ctx) => {
        const { params, body } = ctx;
        // An unknown service is refused before an operation exists (404 naming the stack's services).
        if (body.service) {
          await requireStack(deps.scope, params.stack);
          await deps.stacks.requireService(params.stack, body.service, 'files');
        }
        return launch(
          'restart',
          ctx,
          ({ onEvent }) =>
            deps.stacks.restart(params.stack, {
              ...(body.service ? { service: body.service } : {}),
              onEvent,
            }),
          body.service ? { service: body.service } : {},
        );
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/stacks/:stack/operations',
      operationId: 'listOperations',
      summary: 'A stack’s operations, newest first: kind, who, when, how each ended (its result by id)',
      tags: ['deploy'],
      permission: { role: 'viewer', scope: 'stack' },
      mutating: false,
      errors: [404],
      params: stackParams,
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).default(20) }),
      response: OperationListSchema,
      example: { params: { stack: 'alpha' }, query: { limit: 5 } },
      handler: async ({ params, query }) => {
        // Operations only ever start on a stack of this server (see launch): the same scope.
        await requireStack(deps.scope, params.stack);
        const items = deps.operations.list(params.stack, query.limit).map((op) => {
          const { result: _result, error: _error, ...rest } = op;
          return op.status === 'running' ? rest : { ...rest, ended: outcomeOf(op).value };
        });
        return { items };
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
      params: z.strictObject({ stack: StackNameSchema, operation: z.string().min(1).max(128) }),
      response: OperationSchema,
      example: { params: { stack: 'alpha', operation: 'op-example' } },
      handler: ({ params, principal }) => {
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
        return view(can(principal, 'operator', params.stack) ? op : operationWithoutOutput(op));
      },
    }),
  ];
}
