import { BerthLabel, type ContainerSummary } from '../engine/model.js';
import type { DesiredService } from './desired.js';
import { specDiff } from './diff.js';
import { fileContentReasons } from './file-digests.js';
import type { AppliedRecord, ContainerStep, ObservedContainer } from './plan-types.js';

const label = (c: ContainerSummary, key: string) => c.labels[key];

/**
 * The steps that converge one service's containers (`current`, this stack's, parked ones left out)
 * on its desired replicas: create the missing, recreate the changed or unconfirmed, start the stopped.
 */
export function replicaSteps(
  service: DesiredService,
  current: readonly ObservedContainer[],
  applied: readonly AppliedRecord[],
  imageIds: ReadonlyMap<string, string>,
): ContainerStep[] {
  const steps: ContainerStep[] = [];
  for (const { replica, spec } of service.replicas) {
    const existing = current.find((c) => label(c, BerthLabel.Replica) === String(replica));
    if (!existing) {
      steps.push({
        kind: 'create',
        service: service.name,
        replica,
        spec,
        reasons: [current.length === 0 && replica === 1 ? 'new service' : `new replica ${replica}`],
      });
      continue;
    }
    const ref = { id: existing.id, name: existing.name };
    const recreate = (reasons: string[]): void => {
      steps.push({
        kind: 'recreate',
        service: service.name,
        replica,
        spec,
        current: ref,
        strategy: service.strategy,
        reasons,
      });
    };
    const record = applied.find((a) => a.service === service.name && a.replica === replica);
    const confirmed =
      record !== undefined && record.containerId === existing.id && record.configHash === service.configHash;
    if (label(existing, BerthLabel.ConfigHash) === service.configHash && !confirmed) {
      recreate(['the deploy that created this container did not finish']);
    } else if (label(existing, BerthLabel.ConfigHash) !== service.configHash) {
      const imageAfter = imageIds.get(service.image);
      const digests = service.fileDigests ?? {};
      const reasons = record
        ? [
            ...specDiff(record.spec, record.protect ? record.protect(spec) : spec, {
              ...(record.imageId ? { before: record.imageId } : {}),
              ...(imageAfter ? { after: imageAfter } : {}),
            }),
            ...fileContentReasons(record.files, record.protectFiles?.(digests) ?? digests),
          ]
        : [];
      recreate(
        reasons.length > 0
          ? reasons
          : ['configuration changed (the previous spec was not recorded by Berth)'],
      );
    } else if (
      existing.state !== 'running' &&
      !(service.gate.kind === 'completes' && existing.state === 'exited' && existing.exitCode === 0)
    ) {
      // A one-shot service that completed successfully stays completed: re-running it is not converging.
      steps.push({
        kind: 'start',
        service: service.name,
        replica,
        current: ref,
        reasons: [`container is ${existing.state}`],
      });
    }
  }
  return steps;
}
