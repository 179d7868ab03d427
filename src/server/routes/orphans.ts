import { z } from 'zod';
import { StackNameSchema } from '../../api/common.js';
import { ContainerListSchema } from '../../api/deploy.js';
import { DownRequestSchema, OperationSchema, operationEventsUrl } from '../../api/operations.js';
import type { StackOperations } from '../../deploy/service.js';
import type { OperationRunner } from '../../operations/runner.js';
import { ApiError } from '../problem.js';
import type { StackScope } from '../stack-scope.js';
import { defineRoute, type Route } from './registry.js';

export interface OrphanRouteDeps {
  readonly stacks: StackOperations;
  readonly runner: OperationRunner;
  readonly scope: StackScope;
}

/**
 * Berth containers of stacks this server does not answer for (another server's on the same engine,
 * or what a removed workspace left): every other route ignores them, these two (admin) reach them.
 */
export function orphanRoutes(deps: OrphanRouteDeps): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/orphans',
      operationId: 'listOrphans',
      summary: 'Berth containers of stacks outside this server: not in its workspace, never deployed by it',
      description: 'One-off containers included. Other routes neither list nor reach them.',
      tags: ['deploy'],
      permission: { role: 'admin', scope: 'global' },
      mutating: false,
      errors: [503],
      response: ContainerListSchema,
      handler: async () => ({
        // Stacks in this server's scope are left out before their containers are inspected.
        items: await deps.stacks.ps(undefined, {
          oneOff: true,
          keep: async (stack) => !(await deps.scope.has(stack)),
        }),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/orphans/:stack/down',
      operationId: 'removeOrphanStack',
      summary: "Stop and remove an orphan stack's containers and networks (volumes only with `volumes`)",
      description:
        'Answers 202 with an operation, like `POST /api/v1/stacks/{stack}/down`. A stack of this server, or ' +
        'one without containers, is 404.',
      tags: ['deploy'],
      permission: { role: 'admin', scope: 'global' },
      mutating: true,
      status: 202,
      errors: [404, 409, 503],
      params: z.strictObject({ stack: StackNameSchema }),
      body: DownRequestSchema,
      response: OperationSchema,
      example: { params: { stack: 'zeta' }, body: {} },
      handler: async ({ params, body, principal, requestId, audit }) => {
        if (await deps.scope.has(params.stack)) {
          throw new ApiError(
            'ORPHAN_NOT_FOUND',
            404,
            `${params.stack} is a stack of this server, not an orphan`,
            `take it down with POST /api/v1/stacks/${params.stack}/down`,
          );
        }
        if ((await deps.stacks.ps(params.stack, { oneOff: true })).length === 0) {
          throw new ApiError(
            'ORPHAN_NOT_FOUND',
            404,
            `no Berth container of stack ${params.stack} on the engine`,
            'GET /api/v1/orphans lists them',
          );
        }
        const op = deps.runner.start({
          kind: 'down',
          stack: params.stack,
          actor: principal.name,
          requestId,
          run: ({ onEvent }) =>
            deps.stacks.down(params.stack, { ...(body.volumes ? { volumes: true } : {}), onEvent }),
        });
        audit({ detail: { operation: op.id, volumes: body.volumes === true, orphan: true } });
        return { ...op, events: operationEventsUrl(op.id) };
      },
    }),
  ];
}
