import { RoleSchema, type Whoami } from '../api/auth.js';

type Role = Whoami['grants'][number]['role'];

const rank = (role: Role): number => RoleSchema.options.indexOf(role);

/**
 * Whether the caller holds `role` on `stack` (on every stack when absent), from its grants as
 * `whoami` answers them. Only decides what a page shows: the API decides what is allowed.
 */
export function holds(who: Pick<Whoami, 'grants' | 'tokenScope'>, role: Role, stack?: string): boolean {
  const held = who.grants.some(
    (g) =>
      rank(g.role) >= rank(role) && (g.stack === undefined || (stack !== undefined && g.stack === stack)),
  );
  if (!held) return false;
  const scope = who.tokenScope;
  if (!scope) return true;
  if (rank(scope.role) < rank(role)) return false;
  return scope.stacks === undefined || (stack !== undefined && scope.stacks.includes(stack));
}
