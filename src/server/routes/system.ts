import { z } from 'zod';
import type { AppLogger } from '../context.js';
import { ApiError } from '../problem.js';
import { ROLES } from '../rbac.js';
import { defineRoute, type Route } from './registry.js';

/** One readiness check, e.g. `{ name: 'store', ok: true }`. Only names and booleans are public. */
export interface ReadinessCheck {
  readonly name: string;
  readonly ok: boolean;
}

export interface SystemDeps {
  /** Store open and engine answering a ping; must not hang (give the engine ping a timeout). */
  readonly ready: () => Promise<readonly ReadinessCheck[]>;
  readonly logger?: AppLogger;
}

const CheckSchema = z.object({ name: z.string(), ok: z.boolean() });
const RoleSchema = z.enum(ROLES);

export const WhoamiSchema = z.object({
  kind: z.enum(['user', 'token']),
  userId: z.string(),
  name: z.string(),
  grants: z.array(z.object({ role: RoleSchema, stack: z.string().optional() })),
  tokenScope: z.object({ role: RoleSchema, stacks: z.array(z.string()).optional() }).optional(),
});

async function readiness(deps: SystemDeps): Promise<ReadinessCheck[]> {
  try {
    return [...(await deps.ready())];
  } catch (error) {
    deps.logger?.error({ err: error }, 'readiness check failed');
    return [{ name: 'ready', ok: false }];
  }
}

export function systemRoutes(deps: SystemDeps): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/healthz',
      operationId: 'getHealth',
      summary: 'Liveness: the process answers',
      tags: ['system'],
      permission: 'public',
      mutating: false,
      response: z.object({ status: z.literal('ok') }),
      handler: () => ({ status: 'ok' as const }),
    }),
    defineRoute({
      method: 'GET',
      path: '/readyz',
      operationId: 'getReadiness',
      summary: 'Readiness: the state store is open and the engine answers',
      tags: ['system'],
      permission: 'public',
      mutating: false,
      errors: [503],
      response: z.object({ status: z.literal('ready'), checks: z.array(CheckSchema) }),
      handler: async () => {
        const checks = await readiness(deps);
        const failing = checks.filter((c) => !c.ok).map((c) => c.name);
        if (failing.length > 0 || checks.length === 0) {
          throw new ApiError(
            'NOT_READY',
            503,
            `not ready: ${failing.join(', ') || 'no checks'}`,
            'the server log says why; check the state folder and the Docker engine',
            { extensions: { checks }, headers: { 'Retry-After': '5' } },
          );
        }
        return { status: 'ready' as const, checks };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/whoami',
      operationId: 'getWhoami',
      summary: 'The caller: user or token, and its grants',
      tags: ['auth'],
      permission: 'authenticated',
      mutating: false,
      response: WhoamiSchema,
      // Built field by field: the principal also holds the session id, which is a secret.
      handler: ({ principal }) => ({
        kind: principal.kind,
        userId: principal.userId,
        name: principal.name,
        grants: principal.grants.map((g) => ({
          role: g.role,
          ...(g.stack === undefined ? {} : { stack: g.stack }),
        })),
        ...(principal.tokenScope
          ? {
              tokenScope: {
                role: principal.tokenScope.role,
                ...(principal.tokenScope.stacks ? { stacks: [...principal.tokenScope.stacks] } : {}),
              },
            }
          : {}),
      }),
    }),
  ];
}
