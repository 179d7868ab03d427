import { type Role, roleRank } from './roles.js';

/** A role granted on every stack (`stack` absent) or on one stack. */
export interface Grant {
  readonly role: Role;
  readonly stack?: string;
}

/** Who is calling: a user (session or password) or an API token acting for a user. */
export interface Principal {
  readonly kind: 'user' | 'token';
  /** The user's id (for a token: the owner's). */
  readonly userId: string;
  readonly name: string;
  readonly grants: readonly Grant[];
  /** A token's scope caps what it may do, whatever its owner may: e.g. a `viewer` token of an admin. */
  readonly tokenScope?: { readonly role: Role; readonly stacks?: readonly string[] };
  /** Browser sessions must send the CSRF token on state-changing requests. */
  readonly sessionId?: string;
  /** The API token that authenticated the call (kind `token`): the audit log names it. */
  readonly tokenId?: string;
}

/** What a route needs: a role, on every stack (`global`) or on the stack named in the path (`stack`). */
export type Permission = { readonly role: Role; readonly scope: 'global' | 'stack' };

/**
 * Whether a principal holds `role` for `stack` (or globally when `stack` is undefined).
 * Pure: the one place authorization is decided.
 */
export function can(principal: Principal, role: Role, stack?: string): boolean {
  const held = principal.grants.some(
    (g) =>
      roleRank(g.role) >= roleRank(role) &&
      (g.stack === undefined || (stack !== undefined && g.stack === stack)),
  );
  if (!held) return false;
  const scope = principal.tokenScope;
  if (!scope) return true;
  if (roleRank(scope.role) < roleRank(role)) return false;
  return scope.stacks === undefined || (stack !== undefined && scope.stacks.includes(stack));
}
