import type { StackOperations } from '../../deploy/service.js';
import type { EventHub } from '../../events/hub.js';
import type { OperationRunner } from '../../operations/runner.js';
import type { OperationStore } from '../../store/index.js';
import type { Route } from './registry.js';
import { runtimeRoutes } from './runtime.js';
import { operationRoutes } from './stack-operations.js';
import { streamRoutes } from './streams.js';

/** What the stack-operation routes run on: the composition root wires the real ones, HTTP tests their own. */
export interface ControlDeps {
  readonly stacks: StackOperations;
  readonly runner: OperationRunner;
  readonly operations: Pick<OperationStore, 'get'>;
  readonly hub: EventHub;
  readonly heartbeatMs?: number;
}

export function controlRoutes(deps: ControlDeps): Route[] {
  return [...operationRoutes(deps), ...runtimeRoutes(deps), ...streamRoutes(deps)];
}
