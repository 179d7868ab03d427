import type { LoadedStack } from '../compose/stack.js';
import type { DeployEvent } from '../deploy/events.js';
import type { ServedStacks, StackService, StackServiceDeps } from '../deploy/service.js';

/** What a Berth's stack service offers: the operations the API serves, and loading a stack by name. */
export interface Stacks extends ServedStacks {
  load(stack: string): Promise<LoadedStack>;
  /** The stack's name (a path given to the CLI: the name of the stack it holds). */
  nameOf(stack: string): Promise<string>;
  /** Puts back what an interrupted deploy of the stack left (StackService#recover). */
  recover(stack: string, onEvent?: (e: DeployEvent) => void): Promise<void>;
}

/**
 * The stack service (src/deploy: planning, applying, rolling out), loaded on its first call: a
 * server that only lists stacks, probes and schedules never holds the deploy code. Every method
 * forwards to the one StackService, made once; they are all asynchronous, so the answers are the same.
 */
export function lazyStackService(deps: StackServiceDeps): Stacks {
  let made: Promise<StackService> | undefined;
  const service = (): Promise<StackService> => {
    if (made === undefined) {
      const loading = import('../deploy/service.js').then((module) => new module.StackService(deps));
      // A failed load is tried again by the next call, not kept.
      loading.catch(() => {
        if (made === loading) made = undefined;
      });
      made = loading;
    }
    return made;
  };
  return {
    load: async (stack) => (await service()).load(stack),
    nameOf: async (stack) => (await service()).nameOf(stack),
    config: async (stack) => (await service()).config(stack),
    plan: async (stack, options) => (await service()).plan(stack, options),
    up: async (stack, options) => (await service()).up(stack, options),
    down: async (stack, options) => (await service()).down(stack, options),
    ps: async (stack, filter) => (await service()).ps(stack, filter),
    async *logs(stack, options) {
      yield* (await service()).logs(stack, options);
    },
    restart: async (stack, options) => (await service()).restart(stack, options),
    recover: async (stack, onEvent) => (await service()).recover(stack, onEvent),
    exec: async (stack, service_, argv) => (await service()).exec(stack, service_, argv),
    pruneImages: async (stack, options) => (await service()).pruneImages(stack, options),
    requireService: async (stack, service_, where) =>
      (await service()).requireService(stack, service_, where),
    deployments: async (stack, options) => (await service()).deployments(stack, options),
  };
}
