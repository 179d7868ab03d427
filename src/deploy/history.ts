import type { DeploymentEvent } from '../store/index.js';
import type { DeployStores } from './ports.js';
import { maskPlan } from './redact.js';

type Mask = (text: string) => string;

/** What putting back an interrupted deploy did, as its deployment's events recorded it. */
export interface RecoveryLine {
  readonly at: string;
  readonly service?: string;
  readonly message: string;
}

/** A deployment's recovery events (DeploymentStore#recoveryEvents) as the API shows them, masked. */
export function recoveryLines(events: readonly DeploymentEvent[], mask: Mask): RecoveryLine[] {
  return events.map((e) => ({
    at: e.at,
    ...(e.service !== undefined ? { service: e.service } : {}),
    message: mask(e.message),
  }));
}

/**
 * A page of a stack's deployments, masked. Records are masked when written; they are masked again
 * with `masker`'s values (the stack's, as it loads now) for records written before masking. The
 * masker is asked for only when the page has records.
 */
export async function maskedDeployments(
  deployments: DeployStores['deployments'],
  stack: string,
  options: { limit: number; before?: number },
  masker: () => Promise<Mask>,
) {
  const page = deployments.list(stack, options);
  const mask = page.items.length === 0 ? (text: string) => text : await masker();
  return {
    items: page.items.map((d) => {
      const recovery = recoveryLines(deployments.recoveryEvents(d.id), mask);
      return {
        ...d,
        ...(recovery.length > 0 ? { recovery } : {}),
        plan: maskPlan(d.plan, mask),
        ...(d.summary !== undefined ? { summary: mask(d.summary) } : {}),
        services: deployments.serviceResults(d.id).map((r) => ({
          ...r,
          ...(r.reason !== undefined ? { reason: mask(r.reason) } : {}),
          ...(r.logTail !== undefined ? { logTail: r.logTail.map(mask) } : {}),
          ...(r.healthOutput !== undefined ? { healthOutput: mask(r.healthOutput) } : {}),
        })),
      };
    }),
    ...(page.nextBefore !== undefined ? { nextBefore: page.nextBefore } : {}),
  };
}
