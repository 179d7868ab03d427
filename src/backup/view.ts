import type { BackupPolicyView, BackupView, PruneResult } from '../api/backups.js';
import { describeSchedule } from '../jobs/schedule.js';
import type { BackupRecord, JobStateStore } from '../store/index.js';
import type { BackupEntry } from './catalog.js';
import type { PruneDecision } from './prune-plan.js';
import type { BackupService } from './service.js';

/** A backup as the API shows it: without its key in the store or who reads it now. */
export function publicView(record: BackupRecord | BackupView): BackupView {
  const { artifact: _key, inUse: _use, ...view } = record as BackupRecord;
  return view;
}

/** A policy as the API shows it: its schedules in words, when it runs next, the last good backup. */
export function policyView(
  entry: BackupEntry,
  backups: BackupService,
  jobState: JobStateStore,
): BackupPolicyView {
  const { policy } = entry;
  const next = jobState.get({ stack: entry.stack, service: entry.service, job: '@backup' });
  const good = backups
    .list(entry.stack, { service: entry.service })
    .find((b) => b.status === 'completed' && b.drill.status === 'passed');
  return {
    stack: entry.stack,
    service: entry.service,
    ...(entry.kind ? { kind: entry.kind } : {}),
    ...(policy.schedule ? { schedule: describeSchedule(policy.schedule) } : {}),
    drill:
      policy.drill === 'after-each' ? 'after-each' : policy.drill ? describeSchedule(policy.drill) : 'never',
    retain: policy.retain,
    ...(policy.store ? { store: policy.store } : {}),
    ...(next && policy.schedule ? { nextRunAt: next.nextAt.toISOString() } : {}),
    ...(good ? { lastGood: { id: good.id, at: good.startedAt } } : {}),
  };
}

/** What a prune decided (or, dry, would), as the API and the CLI show it: no store internals. */
export function pruneView(dryRun: boolean, decisions: readonly PruneDecision[]): PruneResult {
  return {
    dryRun,
    decisions: decisions.map((d) => ({
      id: d.id,
      service: d.service,
      keep: d.keep,
      reasons: [...d.reasons],
    })),
  };
}
