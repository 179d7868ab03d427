import type { ServiceFailure } from '../api/deploy.js';
import { fingerprinter, newFingerprintSalt } from '../secrets/fingerprint.js';
import type { Store } from '../store/index.js';
import type { ApplyResult } from './apply.js';
import type { DesiredStack } from './desired.js';
import { type AppliedExtras, protectFileDigests } from './observe.js';
import { serviceResults } from './service-results.js';

/*
 * What a deploy writes down when it ends: the containers it applied (so the next plan can explain
 * its changes, and the next deploy knows when they passed their gates), one result per service,
 * and the summary line.
 */

/**
 * Records the containers of a successful deploy. `readyAt` says when the new ones passed their
 * gates; a container the deploy left alone keeps the time its own deploy recorded. The stack's
 * `sensitive` values are stored as salted fingerprints only (the next plan compares them).
 */
export function recordApplied(
  store: Pick<Store, 'appliedSpecs'>,
  desired: DesiredStack,
  imageIds: ReadonlyMap<string, string>,
  deploymentId: number,
  ids: ReadonlyMap<string, string>,
  readyAt: ReadonlyMap<string, number>,
  sensitive: readonly string[],
): void {
  const salt = newFingerprintSalt();
  const protect = fingerprinter(sensitive, salt);
  for (const service of Object.values(desired.services)) {
    for (const { replica, spec } of service.replicas) {
      const containerId = ids.get(spec.name);
      if (!containerId) continue;
      const before = store.appliedSpecs.get(desired.stack, service.name, replica);
      const kept = before?.containerId === containerId ? (before.spec as Partial<AppliedExtras>) : undefined;
      const ready = readyAt.get(containerId) ?? kept?.readyAt;
      const extras: AppliedExtras = {
        spec: protect(spec),
        imageId: imageIds.get(service.image) ?? null,
        ...(typeof ready === 'number' ? { readyAt: ready } : {}),
        salt,
        files: protectFileDigests(service.fileDigests ?? {}, salt),
      };
      store.appliedSpecs.put(desired.stack, service.name, replica, {
        containerId,
        configHash: service.configHash,
        spec: extras,
        deploymentId,
      });
    }
  }
}

/**
 * One result per service of the stack: unchanged, succeeded, failed, rolled back, or skipped (its
 * planned change never ran), with why. `planned`: the services the plan had container steps for.
 */
export function recordServiceResults(
  store: Pick<Store, 'deployments'>,
  deploymentId: number,
  desired: DesiredStack,
  planned: readonly string[],
  result: Pick<ApplyResult, 'outcome' | 'failure' | 'changedServices'>,
): void {
  for (const [service, outcome] of serviceResults(desired, planned, result))
    store.deployments.setServiceResult(deploymentId, service, outcome);
}

/** The deployment's summary line: the failure, any rollback problem, and the backups taken before. */
export function failureSummary(
  result: { readonly outcome: string; readonly failure?: ServiceFailure; readonly rollbackProblem?: string },
  backups: ReadonlyArray<{ service: string; id: string }>,
): string | undefined {
  // Data is never restored automatically: a rolled-back deploy names the backups taken before it.
  const taken =
    result.outcome !== 'succeeded' && backups.length > 0
      ? `; backups taken before the deploy: ${backups.map((b) => `${b.service} ${b.id}`).join(', ')} (data not restored; \`berth backup restore\` if the new version changed it)`
      : '';
  return result.failure
    ? `${result.failure.service}: ${result.failure.reason} (${result.failure.detail})${result.rollbackProblem ? `; rollback problem: ${result.rollbackProblem}` : ''}${taken}`
    : undefined;
}
