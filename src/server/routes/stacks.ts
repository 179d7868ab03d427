import { isAbsolute, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { PROJECT_NAME_PATTERN } from '../../compose/load/discover.js';
import type { ValidationReport } from '../../compose/validate.js';
import { pageSchema, paginate, paginationQuery } from '../pagination.js';
import { ApiError } from '../problem.js';
import { can } from '../rbac.js';
import { defineRoute, type Route } from './registry.js';

/** A stack of the workspace as the API shows it; catalog fields are null when berth.yaml does not set them. */
export interface StackInfo {
  readonly name: string;
  readonly group: string | null;
  readonly owner: string | null;
  readonly description: string | null;
  readonly environment: string | null;
  /** False when the stack's files do not load (then `services` is empty). */
  readonly valid: boolean;
  readonly services: readonly string[];
}

export interface StackDeps {
  /** Every stack of the workspace; the routes sort and filter. */
  readonly listStacks: () => Promise<readonly StackInfo[]>;
  /** Validates an absolute path inside the workspace; report paths relative to the workspace. */
  readonly validate: (path: string) => Promise<ValidationReport>;
  readonly workspaceRoot: string;
}

export const STACK_NAME = z
  .string()
  .max(128)
  .regex(PROJECT_NAME_PATTERN, 'not a stack name (lowercase letters, digits, - and _)');

const catalogFields = {
  name: z.string(),
  group: z.string().nullable(),
  owner: z.string().nullable(),
  description: z.string().nullable(),
  environment: z.string().nullable(),
  valid: z.boolean(),
};
export const StackSummarySchema = z.object({ ...catalogFields, services: z.number().int().min(0) });
export const StackDetailSchema = z.object({
  ...catalogFields,
  services: z.array(z.string()),
});

const DiagnosticSchema = z.object({
  code: z.string(),
  message: z.string(),
  line: z.number().int(),
  column: z.number().int(),
  hint: z.string(),
});
export const ValidationReportSchema = z.object({
  valid: z.boolean(),
  files: z.array(
    z.object({
      path: z.string(),
      valid: z.boolean(),
      errors: z.array(DiagnosticSchema),
      warnings: z.array(DiagnosticSchema),
    }),
  ),
});

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
      response: pageSchema(StackSummarySchema),
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
      params: z.strictObject({ stack: STACK_NAME }),
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
      body: z.strictObject({
        path: z
          .string()
          .min(1)
          .max(4096)
          .describe('Relative to the workspace folder; `.` is the whole workspace'),
      }),
      response: ValidationReportSchema,
      example: { body: { path: '.' } },
      handler: async ({ body }) => {
        const report = await deps.validate(confine(deps.workspaceRoot, body.path));
        return { valid: report.files.every((f) => f.valid), files: report.files };
      },
    }),
  ];
}
