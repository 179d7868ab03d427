import type { PlanBackup } from '../api/deploy.js';
import { dumpSource } from './kinds/source.js';
import type { BackupKind } from './xberth.js';

/** What `up` says to do when its pre-deploy backup fails (pre-deploy.ts). */
export const PRE_DEPLOY_BACKUP_HINT =
  'fix the backup (`berth backup run`), or deploy without it: `berth up --skip-backup`';

const skipHint = 'deploy without the backup: `berth up --skip-backup`';

/**
 * The hint of a backup before a deploy that fails: what the failure itself says to do, and that the
 * deploy can go without the backup; the general hint when the failure says nothing.
 */
export function preDeployFailureHint(hint: string | undefined): string {
  return hint === undefined || hint === '' || hint === PRE_DEPLOY_BACKUP_HINT
    ? PRE_DEPLOY_BACKUP_HINT
    : `${hint}; or ${skipHint}`;
}

/** A service with a backup policy, as the plan's preview sees it. */
export interface PreviewService {
  readonly service: string;
  readonly kind: BackupKind | undefined;
  /** The service's containers now: the ones a dump would be read from. */
  readonly containers: readonly { readonly state: string }[];
  /** Why the backup service refuses it before it starts (no kind, no such store, one running). */
  readonly refusal?: { readonly code: string; readonly message: string; readonly hint: string };
}

export interface PreviewInput {
  readonly stack: string;
  /** Whether this server has backup settings. */
  readonly configured: boolean;
  /** The services with a backup policy, in the order `up` backs them up (backupEntries). */
  readonly services: readonly PreviewService[];
  /** The services whose containers the plan recreates: `up` backs these up. */
  readonly replaced: ReadonlySet<string>;
  /**
   * Services whose image the deploy pulls or builds first: `up` plans again with what that brought,
   * and a new image recreates (so backs up) the service.
   */
  readonly newImage: ReadonlyMap<string, 'pull' | 'build'>;
}

/**
 * What `up` would do about each service's backup policy before it changes anything, as
 * `preDeployBackups` does it: only services whose containers the deploy replaces are backed up;
 * without backup settings the deploy goes ahead without one; the first backup that fails stops the
 * deploy (nothing deployed), so the ones after it are never reached. Pure.
 */
export function preDeployPreview(input: PreviewInput): PlanBackup[] {
  let failed: string | undefined;
  return input.services.map((s): PlanBackup => {
    const base = { service: s.service, ...(s.kind ? { kind: s.kind } : {}) };
    const how = input.newImage.get(s.service);
    const conditional = !input.replaced.has(s.service) && how !== undefined && s.containers.length > 0;
    if (!input.replaced.has(s.service) && !conditional) {
      return {
        ...base,
        outcome: 'not-taken',
        reason:
          s.containers.length === 0
            ? 'it has no container yet: nothing to back up (only a service whose container the deploy replaces is backed up)'
            : 'the deploy does not replace its container',
      };
    }
    const condition = conditional
      ? { condition: `if the ${how} brings a new image (its container is then replaced)` }
      : {};
    if (!input.configured) {
      return {
        ...base,
        outcome: 'not-taken',
        reason: 'backups are not configured on this server: the deploy goes ahead without a backup',
        ...condition,
      };
    }
    if (failed !== undefined) {
      return {
        ...base,
        outcome: 'not-reached',
        reason: `the backup of ${failed} fails first and the deploy stops there`,
        ...condition,
      };
    }
    const source = s.kind ? dumpSource(s.kind, s.containers) : undefined;
    const failure = s.refusal
      ? s.refusal
      : source && 'problem' in source
        ? {
            code: 'BACKUP_NOT_RUNNING',
            message: `${input.stack}/${s.service} has ${source.problem}`,
            hint: PRE_DEPLOY_BACKUP_HINT,
          }
        : undefined;
    if (failure) {
      if (!conditional) failed = s.service;
      return {
        ...base,
        outcome: 'fails',
        reason: `${failure.message}; the deploy would stop here, deploying nothing`,
        code: failure.code,
        hint: preDeployFailureHint(failure.hint),
        ...condition,
      };
    }
    return { ...base, outcome: 'taken', reason: 'backed up before its container is replaced', ...condition };
  });
}
