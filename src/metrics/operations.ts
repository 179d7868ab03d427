import { DeployOutcomeSchema } from '../api/deploy.js';
import type { OperationRecord } from '../api/operations.js';
import type { AppMetrics } from './registry.js';

/** How a finished `up` counts: a deploy by outcome, or a refusal that recorded no deployment. */
export type DeployCount = { readonly outcome: string } | { readonly refused: string };

/**
 * How a finished `up` operation counts (pure). One that failed with an error before a deployment
 * was recorded (an invalid stack, a refused plan, a held lock) was refused, never a failed deploy:
 * `berth deployments` does not list it either. `recorded`: whether the operation recorded one.
 */
export function deployCount(op: OperationRecord, recorded: boolean): DeployCount {
  if (op.status === 'failed' && op.error && !recorded) return { refused: op.error.code };
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
  return { outcome };
}

/**
 * Counts what operations did, whatever started them (an API call, later the scheduler): every
 * deploy by outcome and duration, the refusals apart, and the engine failures that ended one.
 */
export function recordOperation(metrics: AppMetrics, recorded: (op: OperationRecord) => boolean) {
  return (op: OperationRecord, seconds: number): void => {
    if (op.error?.code.startsWith('ENGINE_')) metrics.engineErrors.inc({ code: op.error.code });
    if (op.kind !== 'up') return;
    const count = deployCount(op, recorded(op));
    if ('refused' in count) {
      metrics.deploysRefused.inc({ stack: op.stack, code: count.refused });
      return;
    }
    metrics.deploys.inc({ stack: op.stack, outcome: count.outcome });
    metrics.deployDuration.observe({ outcome: count.outcome }, seconds);
  };
}
