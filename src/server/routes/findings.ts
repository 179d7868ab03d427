import { z } from 'zod';
import { StackNameSchema } from '../../api/common.js';
import { type FindingView, StackFindingsSchema } from '../../api/findings.js';
import { ApiError } from '../problem.js';
import { defineRoute, type Route } from './registry.js';

export interface FindingRouteDeps {
  /** The audit's findings about one stack's files; undefined when the workspace has no such stack. */
  readonly findings: (stack: string) => Promise<readonly FindingView[] | undefined>;
}

/** The audit findings of one stack (the dashboard's stack page). */
export function findingRoutes(deps: FindingRouteDeps): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/stacks/:stack/findings',
      operationId: 'listFindings',
      summary: "The audit's findings about a stack's files (standards and security rules), most severe first",
      tags: ['stacks'],
      permission: { role: 'viewer', scope: 'stack' },
      mutating: false,
      errors: [404],
      params: z.strictObject({ stack: StackNameSchema }),
      response: StackFindingsSchema,
      example: { params: { stack: 'alpha' } },
      handler: async ({ params }) => {
        const items = await deps.findings(params.stack);
        if (items === undefined) {
          throw new ApiError(
            'STACK_NOT_FOUND',
            404,
            `no stack ${params.stack} in the workspace`,
            'GET /api/v1/stacks lists the stacks',
          );
        }
        return { items: [...items] };
      },
    }),
  ];
}
