import { z } from 'zod';
import type { Auth } from '../../access/auth.js';
import { manages, type TokenInfo } from '../../access/tokens.js';
import { TokenCreatedSchema, TokenCreateSchema, TokenListSchema } from '../../api/auth.js';
import { OkSchema } from '../../api/http.js';
import { ApiError } from '../problem.js';
import { defineRoute, type Route } from './registry.js';

export interface TokenRouteDeps {
  readonly auth: Auth;
}

const publicInfo = (t: TokenInfo) => ({
  id: t.id,
  name: t.name,
  role: t.role,
  ...(t.stacks ? { stacks: [...t.stacks] } : {}),
  createdAt: t.createdAt,
  expiresAt: t.expiresAt,
  ...(t.lastUsedAt ? { lastUsedAt: t.lastUsedAt } : {}),
  ...(t.revokedAt ? { revokedAt: t.revokedAt } : {}),
});

/**
 * A user's own API tokens (creation and revocation are audited by the pipeline). Only a signed-in user (a
 * session) creates tokens: a token cannot mint tokens, so a leaked token cannot make itself a longer-lived
 * or broader successor. A token sees and revokes only itself and its owner's tokens within its own role
 * and stacks (`manages`): a narrow token learns nothing of, and cannot revoke, the broader ones.
 */
export function tokenRoutes(deps: TokenRouteDeps): Route[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/api/v1/tokens',
      operationId: 'createToken',
      summary: 'Create an API token (shown once) with a role cap, optional stacks and an expiry',
      tags: ['auth'],
      permission: 'authenticated',
      mutating: true,
      status: 201,
      body: TokenCreateSchema,
      example: { body: { name: 'ci', role: 'viewer', expiresInDays: 30 } },
      response: TokenCreatedSchema,
      handler: ({ body, principal, audit }) => {
        if (principal.kind !== 'user') {
          throw new ApiError(
            'SESSION_REQUIRED',
            403,
            'API tokens cannot create tokens',
            'sign in (POST /api/v1/login) to create a token',
          );
        }
        const created = deps.auth.createToken(principal.userId, {
          name: body.name,
          role: body.role,
          expiresInDays: body.expiresInDays,
          ...(body.stacks ? { stacks: body.stacks } : {}),
        });
        audit({ target: created.id, detail: { name: body.name, role: body.role } });
        return { id: created.id, token: created.token, expiresAt: new Date(created.expiresAt).toISOString() };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/v1/tokens',
      operationId: 'listTokens',
      summary: 'The caller’s API tokens (never the token values)',
      description: 'With an API token: only that token and those of its owner within its role and stacks.',
      tags: ['auth'],
      permission: 'authenticated',
      mutating: false,
      response: TokenListSchema,
      handler: ({ principal }) => ({
        items: deps.auth
          .listTokens(principal.userId)
          .filter((t) => manages(principal, t))
          .map(publicInfo),
      }),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/tokens/:id',
      operationId: 'revokeToken',
      summary: 'Revoke one of the caller’s API tokens',
      tags: ['auth'],
      permission: 'authenticated',
      mutating: true,
      params: z.object({ id: z.string().min(1).max(128) }),
      example: { params: { id: 'tok_example' } },
      errors: [404],
      response: OkSchema,
      handler: ({ params, principal }) => {
        const token = deps.auth.getToken(params.id);
        // Someone else's token, or one broader than the calling token, is reported as missing.
        if (!token || !manages(principal, token)) {
          throw new ApiError(
            'NOT_FOUND',
            404,
            `no token ${params.id} of yours`,
            'list your tokens with GET /api/v1/tokens',
          );
        }
        deps.auth.revokeToken(params.id);
        return { ok: true as const };
      },
    }),
  ];
}
