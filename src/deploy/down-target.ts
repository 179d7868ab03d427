import type { DownResult } from '../api/deploy.js';
import type { LoadedStack } from '../compose/stack.js';
import { type DownDeps, downStack, dryRunDown } from './down.js';
import type { DownOrder } from './down-containers.js';
import type { DeployEvent } from './events.js';

export interface DownRequest {
  readonly volumes?: boolean;
  /** Work out what would be removed, and change nothing. */
  readonly dryRun?: boolean;
  readonly onEvent?: (e: DeployEvent) => void;
}

/** Where `down` finds a stack: its name (a path given to the CLI: its stack's name) and its files. */
export interface DownSource {
  nameOf(target: string): Promise<string>;
  load(target: string): Promise<LoadedStack>;
}

/**
 * The order `down` stops a stack's containers in: the levels of its files' depends_on graph, or, when
 * they do not load, the first line of why (down then follows the order its last deployment recorded).
 */
export function downOrder(loading: Promise<LoadedStack>): Promise<DownOrder> {
  return loading.then(
    (loaded) => ({ levels: loaded.graph.levels }),
    (error: unknown) => ({
      unloaded: (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '',
    }),
  );
}

/**
 * `berth down` of the stack `target` names (`deps` is asked for once the name is known): with `dryRun`, what it would remove; else the removal
 * (down.ts), in the order of the stack's files as they load now.
 */
export async function downTarget(
  deps: () => Promise<DownDeps>,
  source: DownSource,
  target: string,
  options: DownRequest,
): Promise<DownResult> {
  const stack = await source.nameOf(target);
  // The engine is connected once the name is known: a stack that is not there needs no engine.
  const connected = await deps();
  if (options.dryRun) return dryRunDown(connected.engine, stack, options);
  return downStack(connected, stack, {
    ...(options.volumes ? { volumes: true } : {}),
    order: await downOrder(source.load(target)),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
}
