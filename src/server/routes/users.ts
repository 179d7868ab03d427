import { z } from 'zod';
import type { Auth, User } from '../../access/auth.js';
import type { Grant } from '../../access/rbac.js';
import {
  type GrantView,
  UserChangedSchema,
  UserCreateSchema,
  UserGrantsSchema,
  UserListSchema,
} from '../../api/auth.js';
import { OkSchema } from '../../api/http.js';
import { ApiError } from '../problem.js';
import { defineRoute, type Route } from './registry.js';

export interface UserRouteDeps {
  readonly auth: Auth;
  /** The workspace's stacks, to warn of a grant on a stack it does not have. */
  readonly listStacks?: () => Promise<readonly { readonly name: string }[]>;
  /** Why the workspace file cannot be read now: whether a granted stack exists cannot be told. */
  readonly workspaceError?: () => Promise<Error | undefined>;
}

/** A grant on a stack the workspace does not have is kept (it may be added later), with a warning. */
async function grantWarnings(deps: UserRouteDeps, grants: readonly Grant[]): Promise<string[]> {
  const named = [...new Set(grants.flatMap((g) => (g.stack === undefined ? [] : [g.stack])))];
  if (named.length === 0 || deps.listStacks === undefined) return [];
  const unreadable = await deps.workspaceError?.();
  if (unreadable) {
    return [
      `the workspace file cannot be read now, so whether ${named.length === 1 ? `stack ${named[0]} exists` : `stacks ${named.join(', ')} exist`} cannot be told: the grant is kept (${unreadable.message})`,
    ];
  }
  const stacks = (await deps.listStacks()).map((s) => s.name);
  const known = new Set(stacks);
  const here = stacks.length > 0 ? [...stacks].sort().join(', ') : 'none';
  return named
    .filter((stack) => !known.has(stack))
    .map(
      (stack) =>
        `no stack ${stack} in the workspace now: the grant is kept and applies once a stack of that name exists (stacks here: ${here}; check the spelling)`,
    );
}

const withWarnings = (user: ReturnType<typeof publicUser>, warnings: string[]) =>
  warnings.length === 0 ? user : { ...user, warnings };

const ADMIN = { role: 'admin', scope: 'global' } as const;

const UsernameParams = z.object({ username: z.string().min(1).max(64) });

const plainGrant = (g: Grant): GrantView =>
  g.stack === undefined ? { role: g.role } : { role: g.role, stack: g.stack };

/** Grants as the audit log records them: `admin`, `operator@shop`. */
const grantFacts = (grants: readonly Grant[]): string[] =>
  grants.map((g) => (g.stack === undefined ? g.role : `${g.role}@${g.stack}`));

/** Built field by field so nothing else of the user (ids, hashes) can leak into a response. */
const publicUser = (user: User) => ({
  username: user.username,
  grants: user.grants.map(plainGrant),
  createdAt: user.createdAt,
});

function userNamed(auth: Auth, username: string): User {
  const user = auth.listUsers().find((u) => u.username === username);
  if (user === undefined) {
    throw new ApiError(
      'USER_NOT_FOUND',
      404,
      `no user named ${username}`,
      'list the users with GET /api/v1/users (`berth admin user list`)',
    );
  }
  return user;
}

/**
 * User administration, for global admins. The request pipeline records every mutating call in the
 * audit log, so these handlers only add facts to that entry (the username, the grants: never a password). The last global admin cannot be removed or demoted (the auth
 * service refuses with AUTH_LAST_ADMIN), and nobody can delete their own account.
 */
export function userRoutes(deps: UserRouteDeps): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/users',
      operationId: 'listUsers',
      summary: 'Every user with their grants, by username (never a password hash)',
      tags: ['users'],
      permission: ADMIN,
      mutating: false,
      response: UserListSchema,
      handler: () => ({
        items: deps.auth
          .listUsers()
          .sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0))
          .map(publicUser),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/users',
      operationId: 'createUser',
      summary: 'Create a user with a password and grants',
      tags: ['users'],
      permission: ADMIN,
      mutating: true,
      status: 201,
      errors: [409, 422],
      body: UserCreateSchema,
      example: {
        body: {
          username: 'example-user',
          password: 'a-long-unguessable-phrase',
          grants: [{ role: 'viewer' }],
        },
      },
      response: UserChangedSchema,
      handler: async ({ body, audit }) => {
        audit({ target: body.username, detail: { grants: grantFacts(body.grants) } });
        const user = await deps.auth.createUser({
          username: body.username,
          password: body.password,
          grants: body.grants,
        });
        return withWarnings(publicUser(user), await grantWarnings(deps, body.grants));
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/v1/users/:username/grants',
      operationId: 'setUserGrants',
      summary: 'Replace a user’s grants (refused when it would leave no admin on every stack)',
      tags: ['users'],
      permission: ADMIN,
      mutating: true,
      errors: [404, 409],
      params: UsernameParams,
      body: UserGrantsSchema,
      example: {
        params: { username: 'example-user' },
        body: { grants: [{ role: 'operator', stack: 'alpha' }] },
      },
      response: UserChangedSchema,
      handler: async ({ params, body, audit }) => {
        audit({ detail: { grants: grantFacts(body.grants) } });
        const user = deps.auth.setGrants(userNamed(deps.auth, params.username).id, body.grants);
        return withWarnings(publicUser(user), await grantWarnings(deps, body.grants));
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/v1/users/:username',
      operationId: 'deleteUser',
      summary: 'Delete a user with their sessions and tokens (not yourself, not the last admin)',
      tags: ['users'],
      permission: ADMIN,
      mutating: true,
      errors: [404, 409],
      params: UsernameParams,
      example: { params: { username: 'example-user' } },
      response: OkSchema,
      handler: ({ params, principal }) => {
        const user = userNamed(deps.auth, params.username);
        if (user.id === principal.userId) {
          throw new ApiError(
            'USER_SELF_DELETE',
            409,
            `you cannot delete your own account (${user.username})`,
            'ask another admin to delete it; to stop using it yourself, revoke your tokens and log out',
          );
        }
        deps.auth.deleteUser(user.id);
        return { ok: true as const };
      },
    }),
  ];
}
