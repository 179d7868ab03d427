import type { Service } from '../compose/schema/model.js';
import { imageBase, isDatabaseImage } from './rules/helpers.js';
import { noResourceLimits, volumeNoBackup } from './rules/standards-data.js';
import { healthcheckMissing } from './rules/standards-health.js';
import { imageNotPinned } from './rules/standards-images.js';
import type { Rule, Snapshot } from './types.js';

/*
 * How much of the estate meets each operating standard, for the report's summary table. Counted from
 * what the standards rules report, so the table and the findings never disagree: a service is
 * covered when the rule finds nothing on it. A service a standard does not apply to therefore counts
 * as covered (a built image has nothing to pin, a one-shot job needs no healthcheck, a stateless
 * service no backup), and `services - pinned` is the number of services image-not-pinned reports.
 * Suppressions are not applied here: coverage describes the files, not the accepted risks.
 */

export interface CoverageCounts {
  readonly services: number;
  /** Not reported by image-not-pinned: a version tag or digest, or built here. */
  readonly pinned: number;
  /** Not reported by healthcheck-missing: an enabled healthcheck, or a one-shot job. */
  readonly healthchecked: number;
  /** Not reported by no-resource-limits: mem_limit, cpus or deploy.resources.limits. */
  readonly limited: number;
  /** Not reported by volume-no-backup: every stateful named volume it mounts is backed up (or it has none). */
  readonly backedUp: number;
}

export interface StackCoverage extends CoverageCounts {
  readonly stack: string;
}

export interface Coverage extends CoverageCounts {
  readonly perStack: StackCoverage[];
}

const STATEFUL_EXTRA = /^(redis|valkey|minio|influxdb|rabbitmq|gitea|nextcloud|mautic)$/;
const STATEFUL_TARGET = /^(\/var\/lib\/mysql|\/var\/lib\/postgresql)(\/|$)|^\/data\/?$/;

/**
 * Whether a named volume mounted at `target` holds state worth a backup: the test volume-no-backup
 * applies (kept in step with it by coverage.test.ts, since the rule does not export it), for reports
 * that tell "backed up" from "nothing to back up".
 */
export function isStateful(service: Service, target: string): boolean {
  if (isDatabaseImage(service.image)) return true;
  if (service.image && STATEFUL_EXTRA.test(imageBase(service.image))) return true;
  return STATEFUL_TARGET.test(target);
}

const key = (stack: string, service: string) => JSON.stringify([stack, service]);

/** The services a rule reports at least once. */
function reported(rule: Rule, snapshot: Snapshot): Set<string> {
  const out = new Set<string>();
  for (const hit of rule.check(snapshot)) if (hit.service !== undefined) out.add(key(hit.stack, hit.service));
  return out;
}

/** Coverage of the whole snapshot and of each stack (in snapshot order). */
export function coverage(snapshot: Snapshot): Coverage {
  const unpinned = reported(imageNotPinned, snapshot);
  const unchecked = reported(healthcheckMissing, snapshot);
  const unlimited = reported(noResourceLimits, snapshot);
  const unsaved = reported(volumeNoBackup, snapshot);
  const perStack = snapshot.stacks.map((stack): StackCoverage => {
    const names = Object.keys(stack.loaded.model.services ?? {});
    const without = (set: Set<string>) => names.filter((name) => !set.has(key(stack.name, name))).length;
    return {
      stack: stack.name,
      services: names.length,
      pinned: without(unpinned),
      healthchecked: without(unchecked),
      limited: without(unlimited),
      backedUp: without(unsaved),
    };
  });
  const sum = (field: keyof CoverageCounts) => perStack.reduce((total, s) => total + s[field], 0);
  return {
    services: sum('services'),
    pinned: sum('pinned'),
    healthchecked: sum('healthchecked'),
    limited: sum('limited'),
    backedUp: sum('backedUp'),
    perStack,
  };
}
