import type { ServiceFailure } from '../api/deploy.js';
import { failureText } from '../api/failure-text.js';
import type { ServiceResultInput } from '../store/index.js';
import type { ApplyResult } from './apply.js';
import type { DesiredService } from './desired.js';

/*
 * One result per service of a deployment (pure): what happened to it, with why. A service the plan
 * changed but the deploy never reached (it waited for one that failed) is `skipped`, never
 * `unchanged`: its change was planned and did not run.
 */

export type ServiceResultsInput = Pick<ApplyResult, 'outcome' | 'failure' | 'changedServices'>;

/**
 * `planned`: the services the plan had container steps for. `changedServices`: those the deploy
 * started changing. Keyed by service, in the stack's order.
 */
export function serviceResults(
  desired: { readonly services: Readonly<Record<string, Pick<DesiredService, 'startAfter'>>> },
  planned: readonly string[],
  result: ServiceResultsInput,
): Map<string, ServiceResultInput> {
  const out = new Map<string, ServiceResultInput>();
  for (const [service, spec] of Object.entries(desired.services)) {
    if (result.failure?.service === service) {
      out.set(service, failedResult(result.outcome, result.failure));
    } else if (result.changedServices.includes(service)) {
      out.set(service, { outcome: result.outcome === 'succeeded' ? 'succeeded' : 'rolled-back' });
    } else if (planned.includes(service) && result.outcome !== 'succeeded') {
      const waited = spec.startAfter
        .map((s) => s.service)
        .filter((s) => planned.includes(s) && s !== service);
      out.set(service, {
        outcome: 'skipped',
        reason:
          waited.length > 0
            ? `waited for ${waited.join(', ')}, never started`
            : `never started: the deploy stopped at ${result.failure?.service ?? 'another service'}`,
      });
    } else {
      out.set(service, { outcome: 'unchanged' });
    }
  }
  return out;
}

function failedResult(outcome: ServiceResultsInput['outcome'], failure: ServiceFailure): ServiceResultInput {
  return {
    outcome: outcome === 'rolled-back' ? 'rolled-back' : 'failed',
    reason: failureText(failure),
    logTail: failure.logTail,
    ...(failure.exitCode !== undefined ? { exitCode: failure.exitCode } : {}),
    ...(failure.healthOutput ? { healthOutput: failure.healthOutput } : {}),
  };
}
