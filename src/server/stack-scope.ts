import { can, type Principal } from '../access/rbac.js';
import { DeployError } from '../deploy/errors.js';
import type { StackOperations } from '../deploy/service.js';

/**
 * The stacks this server answers for: those of its workspace, and those recorded in its store (a
 * stack deployed here whose files were since removed can still be looked at and taken down). Berth
 * containers of any other stack on the engine (another server's, or left behind) are orphans: only
 * the admin routes under `/api/v1/orphans` reach them.
 *
 * A stack is known when it is in that scope, or when anything of it is left: a backup, a job run, a
 * probe's state, a container labelled with it. The routes that read what Berth kept of a stack
 * (health, containers, jobs, backups) answer for a known stack, even one that left the workspace,
 * and 404 for any other name: a typo is not an empty stack.
 */
export interface StackScope {
  has(stack: string): Promise<boolean>;
  known(stack: string): Promise<boolean>;
  /** Why the workspace cannot be read, when it cannot: a stack outside the scope is refused with it. */
  unreadable?(): Promise<Error | undefined>;
}

export interface StackScopeSources {
  /** The workspace's stacks (the cached listing the stack routes use). */
  readonly workspace: () => Promise<readonly { readonly name: string }[]>;
  /** Whether the store has a deployment of the stack. */
  readonly recorded: (stack: string) => boolean;
  /** Whether the store has anything else of the stack: a backup, a job run, a probe's state. */
  readonly traces?: (stack: string) => boolean;
  /** Whether the engine has a Berth container labelled with the stack (one-off ones included). */
  readonly containers?: (stack: string) => Promise<boolean>;
  /** Why the workspace's catalog cannot be read now (a coded error), undefined when it loads. */
  readonly unreadable?: () => Promise<Error | undefined>;
}

export function stackScope(sources: StackScopeSources): StackScope {
  const has = async (stack: string) =>
    (await sources.workspace()).some((s) => s.name === stack) || sources.recorded(stack);
  return {
    has,
    // The cheap answers first: the engine is asked only about a name nothing else knows.
    known: async (stack) =>
      (await has(stack)) ||
      sources.traces?.(stack) === true ||
      (sources.containers !== undefined && (await sources.containers(stack))),
    ...(sources.unreadable ? { unreadable: sources.unreadable } : {}),
  };
}

/**
 * Whether the engine has a Berth container of the stack, one-offs included: one list of the engine,
 * no container inspected (`keep` is asked before any inspection and says no).
 */
export function labelledContainers(stacks: Pick<StackOperations, 'ps'>): (stack: string) => Promise<boolean> {
  return async (stack) => {
    let found = false;
    await stacks.ps(stack, {
      oneOff: true,
      keep: (of) => {
        if (of === stack) found = true;
        return false;
      },
    });
    return found;
  };
}

/** "no stack X", unless the workspace itself cannot be read: then that, with its file:line:col. */
async function notFound(scope: StackScope, stack: string): Promise<Error> {
  const unreadable = await scope.unreadable?.();
  if (unreadable) return unreadable;
  return new DeployError(
    'DEPLOY_STACK_NOT_FOUND',
    `no stack ${stack} in the workspace`,
    "check the name: the dashboard and GET /api/v1/stacks list this server's stacks (`berth ps`, their containers); an admin lists the containers of other stacks with GET /api/v1/orphans",
  );
}

/**
 * Refuses a stack outside the scope before anything runs (no operation, no metric series, no engine
 * call): the same 404 as a stack the service cannot find.
 */
export async function requireStack(scope: StackScope, stack: string): Promise<void> {
  if (await scope.has(stack)) return;
  throw await notFound(scope, stack);
}

/**
 * Refuses a stack name Berth knows nothing of (see StackScope) with the same 404 as requireStack.
 * On a `:stack` route the caller's role on the stack was checked first (403 whether it exists or not).
 * Only a name nothing else knows costs a look at the engine; an engine that does not answer is its
 * error (503), since whether the stack has containers cannot be told.
 */
export async function requireKnownStack(scope: StackScope, stack: string): Promise<void> {
  if (await scope.known(stack)) return;
  throw await notFound(scope, stack);
}

/**
 * The `?stack=` of a list: refused when unknown, but only for a caller who may view that stack. Any
 * other caller gets the list's empty answer, whether the stack exists or not.
 */
export async function requireKnownListStack(
  scope: StackScope,
  principal: Principal,
  stack: string | undefined,
): Promise<void> {
  if (stack === undefined || !can(principal, 'viewer', stack)) return;
  await requireKnownStack(scope, stack);
}
