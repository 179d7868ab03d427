import { z } from 'zod';
import { StackNameSchema } from '../../api/common.js';
import { ImagePruneRequestSchema, ImagePruneResultSchema } from '../../api/images.js';
import { requireStack } from '../stack-scope.js';
import { defineRoute, type Route } from './registry.js';
import type { RuntimeRouteDeps } from './runtime.js';

/** The images Berth pulled and built for a stack: the old ones pruned by retention. */
export function imageRoutes(deps: RuntimeRouteDeps): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/api/v1/stacks/:stack/images/prune',
      operationId: 'pruneStackImages',
      summary: 'Remove the old image versions Berth pulled or built for a stack, beyond its retention',
      description:
        'Only images Berth itself pulled or built for the stack are candidates. Each service keeps its `keep` newest ' +
        'deployed versions (default `x-berth.images.keep`, else 3), and an image stays whatever its age while a container ' +
        'uses it, while the compose file names it, or while Berth recorded it for another stack. Nothing is forced: an image ' +
        'the engine refuses to remove stays, with its reason. `dryRun` removes nothing. A deploy that succeeds prunes the ' +
        'same way unless the stack sets `x-berth.images.prune: manual`. 409 while a deploy of the stack runs.',
      tags: ['deploy'],
      permission: { role: 'operator', scope: 'stack' },
      mutating: true,
      errors: [404, 409, 422, 503],
      params: z.strictObject({ stack: StackNameSchema }),
      body: ImagePruneRequestSchema,
      response: ImagePruneResultSchema,
      example: { params: { stack: 'alpha' }, body: { dryRun: true } },
      handler: async ({ params, body, audit }) => {
        await requireStack(deps.scope, params.stack);
        const result = await deps.stacks.pruneImages(params.stack, {
          dryRun: body.dryRun,
          ...(body.keep === undefined ? {} : { keep: body.keep }),
        });
        audit({
          detail: {
            dryRun: body.dryRun,
            keep: result.keep,
            removed: result.decisions.filter((d) => d.removed).length,
            freedBytes: result.freedBytes,
          },
        });
        return result;
      },
    }),
  ];
}
