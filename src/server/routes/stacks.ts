import { isAbsolute, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import { can, type Principal } from '../../access/rbac.js';
import { paginationQuery, StackNameSchema } from '../../api/common.js';
import {
  LAST_DEPLOYMENT,
  type LastDeployment,
  StackDetailSchema,
  StackPageSchema,
  ValidateRequestSchema,
  ValidationReportSchema,
} from '../../api/stacks.js';
import type { ValidationReport } from '../../compose/validate.js';
import type { StackInfo } from '../../compose/workspace-source.js';
import type { LatestDeployment } from '../../store/index.js';
import { jsonFragments, jsonPage, lastAnswerPerCaller, sortedOnce } from '../json-text.js';
import { paginate } from '../pagination.js';
import { ApiError } from '../problem.js';
import { defineRoute, type Route } from './registry.js';

export interface StackDeps {
  /** Every stack of the workspace; the routes sort and filter. */
  readonly listStacks: () => Promise<readonly StackInfo[]>;
  /** The latest deployment of each named stack that has one (one store query for all of them). */
  readonly lastDeployments: (stacks: readonly string[]) => ReadonlyMap<string, LatestDeployment>;
  /** Validates an absolute path inside the workspace; report paths relative to the workspace. */
  readonly validate: (path: string) => Promise<ValidationReport>;
  readonly workspaceRoot: string;
  /**
   * Why the workspace's catalog (berth.yaml) cannot be read now, as a coded error (its file:line:col
   * and a hint); undefined when it loads. The list and a stack's detail answer it instead of "no stacks".
   */
  readonly workspaceError?: () => Promise<Error | undefined>;
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

/** A stack's latest deployment as the list shows it: no stack name (the item has it), null for none. */
export function lastDeploymentView(d: LatestDeployment | undefined): LastDeployment | null {
  if (d === undefined) return null;
  const { id, status, startedAt, finishedAt } = d;
  return finishedAt === undefined ? { id, status, startedAt } : { id, status, startedAt, finishedAt };
}

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
  // Kept per catalog: its order, and each stack's summary as JSON (what a caller sees is decided per call).
  const sortedByName = sortedOnce(byName);
  const summaryJson = jsonFragments(summary);
  const lastPage = lastAnswerPerCaller<Principal, readonly StackInfo[], z.output<typeof StackPageSchema>>();
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/stacks',
      operationId: 'listStacks',
      summary: 'The stacks of the workspace the caller may see, by name',
      description:
        'A global viewer sees every stack; a per-stack grant shows only the stacks granted. When the workspace file (berth.yaml) cannot be read, the answer is 422 `DEPLOY_INVALID_STACK` with its file:line:col, never an empty list.',
      tags: ['stacks'],
      permission: { role: 'viewer', scope: 'any-stack' },
      mutating: false,
      query: z.strictObject({
        ...paginationQuery,
        include: z
          .literal(LAST_DEPLOYMENT)
          .optional()
          .describe(
            "`last-deployment`: add each stack's latest deployment (`lastDeployment`, null for none)",
          ),
      }),
      response: StackPageSchema,
      errors: [422],
      example: { query: { limit: 10, include: LAST_DEPLOYMENT } },
      handler: async ({ principal, query }) => {
        // A catalog that does not load lists no stack: that is not "there are none".
        const unreadable = await deps.workspaceError?.();
        if (unreadable) throw unreadable;
        const stacks = sortedByName(await deps.listStacks());
        const pageOf = () =>
          paginate(
            stacks.filter((s) => can(principal, 'viewer', s.name)),
            (s) => s.name,
            query,
          );
        if (query.include !== LAST_DEPLOYMENT) {
          return lastPage(principal, stacks, `${query.limit} ${query.cursor ?? ''}`, () => {
            const page = pageOf();
            return jsonPage(page.items.map(summaryJson), page.nextCursor);
          });
        }
        const page = pageOf();
        // Only the page's stacks, which the caller may see, are looked up.
        const latest = deps.lastDeployments(page.items.map((s) => s.name));
        return {
          items: page.items.map((s) => ({
            ...summary(s),
            lastDeployment: lastDeploymentView(latest.get(s.name)),
          })),
          nextCursor: page.nextCursor,
        };
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
      errors: [404, 422],
      example: { params: { stack: 'alpha' } },
      handler: async ({ params }) => {
        const found = (await deps.listStacks()).find((s) => s.name === params.stack);
        if (!found) {
          const unreadable = await deps.workspaceError?.();
          if (unreadable) throw unreadable;
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
