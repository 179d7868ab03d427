import { DeployOutcomeSchema } from '../api/deploy.js';
import type { OperationRecord } from '../api/operations.js';
import type { AppMetrics } from './registry.js';

/**
 * Counts what operations did, whatever started them (an API call, later the scheduler): every
 * deploy by outcome and duration, and the engine failures that ended one.
 */
export function recordOperation(metrics: AppMetrics) {
  return (op: OperationRecord, seconds: number): void => {
    if (op.error?.code.startsWith('ENGINE_')) metrics.engineErrors.inc({ code: op.error.code });
    if (op.kind !== 'up') return;
    const result = op.result;
    const reported =
      typeof result === 'object' && result !== null && !Array.isArray(result)
        ? DeployOutcomeSchema.safeParse(result.outcome)
        : undefined;
    const outcome =
      op.status === 'succeeded'
        ? reported?.success
          ? reported.data
          : 'failed'
        : op.status === 'interrupted'
          ? 'interrupted'
          : 'failed';
    metrics.deploys.inc({ stack: op.stack, outcome });
    metrics.deployDuration.observe({ outcome }, seconds);
  };
}
