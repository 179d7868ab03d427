import { DeployError } from '../deploy/errors.js';

/**
 * The stacks this server answers for: those of its workspace, and those recorded in its store (a
 * stack deployed here whose files were since removed can still be looked at and taken down). Berth
 * containers of any other stack on the engine (another server's, or left behind) are orphans: only
 * the admin routes under `/api/v1/orphans` reach them.
 */
export interface StackScope {
  has(stack: string): Promise<boolean>;
}

export interface StackScopeSources {
  /** The workspace's stacks (the cached listing the stack routes use). */
  readonly workspace: () => Promise<readonly { readonly name: string }[]>;
  /** Whether the store has a deployment of the stack. */
  readonly recorded: (stack: string) => boolean;
}

export function stackScope(sources: StackScopeSources): StackScope {
  return {
    has: async (stack) =>
      (await sources.workspace()).some((s) => s.name === stack) || sources.recorded(stack),
  };
}

/**
 * Refuses a stack outside the scope before anything runs (no operation, no metric series, no engine
 * call): the same 404 as a stack the service cannot find.
 */
export async function requireStack(scope: StackScope, stack: string): Promise<void> {
  if (await scope.has(stack)) return;
  throw new DeployError(
    'DEPLOY_STACK_NOT_FOUND',
    `no stack ${stack} in the workspace`,
    'GET /api/v1/stacks lists the stacks; an admin lists the containers of other stacks with GET /api/v1/orphans',
  );
}
