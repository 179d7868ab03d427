import { AuthError } from './errors.js';
import type { Grant } from './rbac.js';
import { type Role, roleRank } from './roles.js';

/** "operator on every stack, admin on shop"; "no role" when there is none. */
export function describeGrants(grants: readonly Grant[]): string {
  if (grants.length === 0) return 'no role';
  return grants.map((g) => `${g.role} on ${g.stack === undefined ? 'every stack' : g.stack}`).join(', ');
}

const covers = (g: Grant, role: Role, stack?: string): boolean =>
  roleRank(g.role) >= roleRank(role) && (g.stack === undefined || g.stack === stack);

/**
 * Refuses a token scope its owner does not hold now (AUTH_TOKEN_BEYOND_GRANTS), so a token never waits,
 * broader than its owner, for a later promotion. With stacks: the role on each of them. Without: the
 * role somewhere (an unscoped token reaches the stacks its owner may reach, as `berth login`'s does).
 */
export function checkScopeWithinGrants(
  username: string,
  grants: readonly Grant[],
  role: Role,
  stacks: readonly string[] | undefined,
): void {
  const held = describeGrants(grants);
  if (stacks === undefined) {
    if (grants.some((g) => roleRank(g.role) >= roleRank(role))) return;
    throw beyondGrants(
      `user ${username} cannot create a token with role ${role}: they hold ${held}`,
      'ask for a role you hold (or lower), or ask an admin to grant the role first',
    );
  }
  const missing = stacks.filter((stack) => !grants.some((g) => covers(g, role, stack)));
  if (missing.length === 0) return;
  throw beyondGrants(
    `user ${username} cannot create a token with role ${role} for stack${missing.length === 1 ? '' : 's'} ${missing.join(', ')}: they hold ${held}`,
    'limit the token to stacks where you hold that role (or lower the role), or ask an admin to grant it first',
  );
}

function beyondGrants(message: string, hint: string): AuthError {
  return new AuthError('AUTH_TOKEN_BEYOND_GRANTS', message, hint);
}
