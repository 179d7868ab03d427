import type { PlanView } from '../api/deploy.js';
import type { Sendable } from '../api/wire.js';
import { backupEntries } from '../backup/catalog.js';
import { isBackupError } from '../backup/errors.js';
import type { PreviewService } from '../backup/pre-deploy-preview.js';
import type { BackupService } from '../backup/service.js';
import type { Engine } from '../engine/model.js';
import type { Stacks } from './lazy-stacks.js';

export interface PlanBackupsDeps {
  readonly engine: () => Promise<Engine>;
  readonly backups: () => Pick<BackupService, 'configured' | 'check'>;
}

/**
 * The stack service, with the pre-deploy backups `up` would take in its plans (`backups`): the
 * services with a backup policy, their containers now, and what the backup service refuses, given
 * to the pure preDeployPreview. A stack without a backup policy gets no `backups`.
 */
export function withBackupPreview(stacks: Stacks, deps: PlanBackupsDeps): Stacks {
  return {
    ...stacks,
    plan: async (stack, options) => {
      const plan = await stacks.plan(stack, options);
      const entries = backupEntries([await stacks.load(stack)]);
      if (entries.length === 0) return plan;
      // Loaded on first use, as the stack service is (lazy-stacks.ts).
      const { serviceContainers } = await import('../deploy/containers.js');
      const { preDeployPreview } = await import('../backup/pre-deploy-preview.js');
      const engine = await deps.engine();
      const backups = deps.backups();
      const configured = backups.configured();
      const services: PreviewService[] = [];
      for (const entry of entries) {
        const containers = await serviceContainers(engine, entry.stack, entry.service);
        const refusal = configured ? refusalOf(() => backups.check(entry)) : undefined;
        services.push({
          service: entry.service,
          kind: entry.kind,
          containers,
          ...(refusal ? { refusal } : {}),
        });
      }
      const preview = preDeployPreview({
        stack: plan.stack,
        configured,
        services,
        replaced: replacedServices(plan),
        newImage: newImageServices(plan),
      });
      return { ...plan, backups: preview };
    },
  };
}

/** The coded refusal of a backup check, or undefined when it passes. Other errors are thrown. */
function refusalOf(check: () => unknown) {
  try {
    check();
    return undefined;
  } catch (error: unknown) {
    if (!isBackupError(error)) throw error;
    return { code: error.code, message: error.message, hint: error.hint };
  }
}

/** The services whose containers the plan recreates (what `up` hands to its backups). */
export function replacedServices(plan: Sendable<PlanView>): Set<string> {
  return new Set(
    plan.services.filter((s) => s.steps.some((x) => x.kind === 'recreate')).map((s) => s.service),
  );
}

/** The services whose image the deploy pulls or builds before it plans again. */
export function newImageServices(plan: Sendable<PlanView>): Map<string, 'pull' | 'build'> {
  const out = new Map<string, 'pull' | 'build'>();
  for (const p of plan.pulls) for (const s of p.services) out.set(s, 'pull');
  for (const b of plan.builds) out.set(b.service, 'build');
  return out;
}
