import { isAbsolute, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { can } from '../../access/rbac.js';
import { paginationQuery, StackNameSchema } from '../../api/common.js';
import {
  StackDetailSchema,
  StackPageSchema,
  ValidateRequestSchema,
  ValidationReportSchema,
} from '../../api/stacks.js';
import type { ValidationReport } from '../../compose/validate.js';
import type { StackInfo } from '../../compose/workspace-source.js';
import { paginate } from '../pagination.js';
import { ApiError } from '../problem.js';
import { defineRoute, type Route } from './registry.js';

export interface StackDeps {
  /** Every stack of the workspace; the routes sort and filter. */
  readonly listStacks: () => Promise<readonly StackInfo[]>;
  /** Validates an absolute path inside the workspace; report paths relative to the workspace. */
  readonly validate: (path: string) => Promise<ValidationReport>;
  readonly workspaceRoot: string;
}

const byName = (a: StackInfo, b: StackInfo): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

const summary = (s: StackInfo) => ({
  name: s.name,
  group: s.group,
  owner: s.owner,
  description: s.description,
  environment: s.environment,
  valid: s.valid,
  services: s.services.length,
});

/** `path` resolved against the workspace; refused when it leaves it (`..`, or absolute elsewhere). */
export function confine(root: string, path: string): string {
  const absolute = resolve(root, path);
  const rel = relative(root, absolute);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new ApiError(
      'PATH_OUTSIDE_WORKSPACE',
      400,
      `${path} is outside the workspace`,
      'give a path relative to the workspace folder, e.g. `.` or a stack folder',
    );
  }
  return absolute;
}

export function stackRoutes(deps: StackDeps): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/stacks',
      operationId: 'listStacks',
      summary: 'The stacks of the workspace the caller may see, by name',
      description: 'A global viewer sees every stack; a per-stack grant shows only the stacks granted.',
      tags: ['stacks'],
      permission: { role: 'viewer', scope: 'any-stack' },
      mutating: false,
      query: z.strictObject(paginationQuery),
      response: StackPageSchema,
      example: { query: { limit: 10 } },
      handler: async ({ principal, query }) => {
        const visible = (await deps.listStacks()).filter((s) => can(principal, 'viewer', s.name));
        const page = paginate([...visible].sort(byName), (s) => s.name, query);
        return { items: page.items.map(summary), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/stacks/:stack',
      operationId: 'getStack',
      summary: 'One stack: catalog fields and service names',
      tags: ['stacks'],
      permission: { role: 'viewer', scope: 'stack' },
      mutating: false,
      params: z.strictObject({ stack: StackNameSchema }),
      response: StackDetailSchema,
      errors: [404],
      example: { params: { stack: 'alpha' } },
      handler: async ({ params }) => {
        const found = (await deps.listStacks()).find((s) => s.name === params.stack);
        if (!found) {
          throw new ApiError(
            'STACK_NOT_FOUND',
            404,
            `no stack ${params.stack} in the workspace`,
            'GET /api/v1/stacks lists the stacks',
          );
        }
        return { ...summary(found), services: [...found.services] };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/validate',
      operationId: 'validate',
      summary: 'Validate compose files, a stack folder or the workspace (as `berth validate --json`)',
      tags: ['stacks'],
      permission: { role: 'operator', scope: 'global' },
      mutating: true,
      body: ValidateRequestSchema,
      response: ValidationReportSchema,
      example: { body: { path: '.' } },
      handler: async ({ body }) => {
        const report = await deps.validate(confine(deps.workspaceRoot, body.path));
        return { valid: report.files.every((f) => f.valid), files: report.files };
      },
    }),
  ];
}
