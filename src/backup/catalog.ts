import type { LoadedStack } from '../compose/stack.js';
import { type BackupKind, type BackupPolicy, inferKind, policyOf } from './xberth.js';

/** A service with a backup policy, as its stack's files define it now. */
export interface BackupEntry {
  readonly stack: string;
  readonly service: string;
  readonly policy: BackupPolicy;
  /** The policy's kind, else the one the image implies; undefined: neither says. */
  readonly kind: BackupKind | undefined;
  readonly loaded: LoadedStack;
}

/** Every service with a backup policy in the stacks that load. */
export function backupEntries(stacks: readonly LoadedStack[]): BackupEntry[] {
  const entries: BackupEntry[] = [];
  for (const loaded of stacks) {
    for (const service of Object.keys(loaded.model.services ?? {}).sort()) {
      const policy = policyOf(loaded.xberth.stack, loaded.xberth.services[service]);
      if (!policy) continue;
      const image = loaded.model.services?.[service]?.image;
      entries.push({
        stack: loaded.name,
        service,
        policy,
        kind: policy.kind ?? (typeof image === 'string' ? inferKind(image) : undefined),
        loaded,
      });
    }
  }
  return entries;
}
