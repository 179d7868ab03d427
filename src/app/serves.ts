import type { WorkspaceLoad } from '../compose/stack.js';
import type { Store } from '../store/index.js';

/**
 * Whether this server answers for a stack: one of its workspace's (whether its files load or not), or
 * one it deployed (recorded in its store). Berth containers of any other stack on the same engine
 * (another server's, or left behind) are not its events, probes, alerts or metrics.
 */
export function servesStack(
  store: () => Store,
  workspace: () => Promise<WorkspaceLoad>,
): (stack: string) => Promise<boolean> {
  return async (stack) =>
    store().deployments.recorded(stack) ||
    // A workspace that does not load now still has the stacks deployed here (above).
    ((await workspace().catch(() => undefined))?.workspace?.stacks.some((s) => s.name === stack) ?? false);
}
