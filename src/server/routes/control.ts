import type { StackOperations } from '../../deploy/service.js';
import type { OperationStore } from '../../store/index.js';
import type { EventHub } from '../events.js';
import type { AppMetrics } from '../metrics.js';
import type { OperationRunner } from '../operations.js';
import { operationRoutes } from './operations.js';
import type { Route } from './registry.js';
import { runtimeRoutes } from './runtime.js';
import { streamRoutes } from './streams.js';

/** What the stack-operation routes run on: `berth serve` wires the real ones, HTTP tests their own. */
export interface ControlDeps {
  readonly stacks: StackOperations;
  readonly runner: OperationRunner;
  readonly operations: Pick<OperationStore, 'get'>;
  readonly hub: EventHub;
  readonly heartbeatMs?: number;
}

export function controlRoutes(deps: ControlDeps, metrics: AppMetrics): Route[] {
  return [...operationRoutes({ ...deps, metrics }), ...runtimeRoutes(deps), ...streamRoutes(deps)];
}
