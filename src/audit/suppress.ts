import type { Snapshot } from './types.js';
import { auditIgnores } from './xberth.js';

/** Where a suppression comes from, so a report can say which `x-berth.audit` matched. */
export interface Suppression {
  readonly reason: string;
  readonly level: 'stack' | 'service';
}

/**
 * The `x-berth.audit.ignore` entry that suppresses `rule` for a stack/service, if any. The service's
 * own entry wins over the stack's (its reason is the more specific one). Findings of stacks that did
 * not load (catalog orphans) cannot be suppressed: there is no file to write the entry in.
 */
export function suppressionFor(
  snapshot: Snapshot,
  rule: string,
  stack: string,
  service: string | undefined,
): Suppression | undefined {
  const facts = snapshot.stacks.find((s) => s.name === stack);
  if (!facts) return undefined;
  if (service !== undefined) {
    const own = auditIgnores(facts.loaded.xberth.services[service]).find((i) => i.rule === rule);
    if (own) return { reason: own.reason, level: 'service' };
  }
  const shared = auditIgnores(facts.loaded.xberth.stack).find((i) => i.rule === rule);
  return shared ? { reason: shared.reason, level: 'stack' } : undefined;
}
