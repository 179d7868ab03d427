import type { BackupRecord } from '../store/index.js';
import type { BackupEntry } from './catalog.js';
import { type RetentionDecision, retention } from './retention.js';

export type PruneDecision = RetentionDecision & { readonly service: string; readonly store: string };

/**
 * What retention decides for a stack's completed backups, service by service: each service's own
 * `retain` (safety and pre-deploy backups kept for their days counted back from `now`), and
 * everything kept for a service whose policy is gone (removing a policy never deletes data). Pure;
 * the service removes what goes.
 */
export function planPrune(
  entries: readonly BackupEntry[],
  completed: readonly BackupRecord[],
  now: Date,
): PruneDecision[] {
  const byService = new Map<string, BackupRecord[]>();
  for (const b of completed) byService.set(b.service, [...(byService.get(b.service) ?? []), b]);
  const decisions: PruneDecision[] = [];
  for (const [service, backups] of byService) {
    const policy = entries.find((e) => e.service === service)?.policy;
    const decided = policy
      ? retention(
          backups.map((b) => ({
            id: b.id,
            startedAt: b.startedAt,
            trigger: b.trigger,
            drill: b.drill.status,
            inUse: b.inUse !== undefined,
          })),
          policy.retain,
          now,
        )
      : backups.map((b) => ({
          id: b.id,
          keep: true,
          reasons: ['the service has no backup policy now: kept'],
        }));
    for (const d of decided) {
      const record = backups.find((b) => b.id === d.id);
      if (record) decisions.push({ ...d, service, store: record.store });
    }
  }
  return decisions;
}
