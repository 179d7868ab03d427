import { WhoamiSchema } from '../../api/auth.js';
import { HealthSchema, type ReadinessCheck, ReadinessSchema } from '../../api/system.js';
import type { AppLogger } from '../context.js';
import { ApiError } from '../problem.js';
import { defineRoute, type Route } from './registry.js';

export interface SystemDeps {
  /** Store open and engine answering a ping; must not hang (give the engine ping a timeout). */
  readonly ready: () => Promise<readonly ReadinessCheck[]>;
  readonly logger?: AppLogger;
}

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
      response: HealthSchema,
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
      response: ReadinessSchema,
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
