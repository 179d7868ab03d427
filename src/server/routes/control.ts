import type { ServedStacks } from '../../deploy/service.js';
import type { EventHub } from '../../events/hub.js';
import type { OperationRunner } from '../../operations/runner.js';
import type { OperationStore } from '../../store/index.js';
import type { StackScope } from '../stack-scope.js';
import type { StreamLimits } from '../stream-slots.js';
import { imageRoutes } from './images.js';
import { orphanRoutes } from './orphans.js';
import type { Route } from './registry.js';
import { runtimeRoutes } from './runtime.js';
import { operationRoutes } from './stack-operations.js';
import { streamRoutes } from './streams.js';

/** What the stack-operation routes run on: the composition root wires the real ones, HTTP tests their own. */
export interface ControlDeps {
  readonly stacks: ServedStacks;
  readonly runner: OperationRunner;
  readonly operations: Pick<OperationStore, 'get' | 'list'>;
  readonly hub: EventHub;
  /**
   * The stacks this server answers for (its workspace's, and those in its store): routes naming any
   * other answer 404, lists leave them out; only the orphan routes (admin) reach them.
   */
  readonly scope: StackScope;
  readonly heartbeatMs?: number;
  /** Open streams (events and logs) per user and in all; defaults to DEFAULT_STREAM_LIMITS. */
  readonly streamLimits?: StreamLimits;
}

export function controlRoutes(deps: ControlDeps): Route[] {
  return [
    ...operationRoutes(deps),
    ...runtimeRoutes(deps),
    ...imageRoutes(deps),
    ...streamRoutes(deps),
    ...orphanRoutes(deps),
  ];
}
