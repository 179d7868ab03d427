import type { LoadedStack } from '../../compose/stack.js';
import { valueMasker } from '../../secrets/mask.js';
import type { ProbeDefinition } from '../probe-types.js';
import { probesOf } from '../xberth.js';

export interface ProbeId {
  readonly stack: string;
  readonly service: string;
  readonly probe: string;
}

/** A probe as defined in a stack's files, with what running it needs. */
export interface ProbeEntry {
  readonly key: ProbeId;
  readonly definition: ProbeDefinition;
  readonly stack: LoadedStack;
  /** Masks every secret value of the service (its stack's `.env`, env files, secret-looking variables). */
  readonly mask: (text: string) => string;
}

export const probeKeyText = (key: ProbeId): string => `${key.stack}/${key.service}/${key.probe}`;

/** Every probe of the stacks that load; a stack with errors defines none until it is fixed. */
export function probeEntries(stacks: readonly LoadedStack[]): ProbeEntry[] {
  const entries: ProbeEntry[] = [];
  for (const stack of stacks) {
    for (const service of Object.keys(stack.model.services ?? {}).sort()) {
      const probes = probesOf(stack.xberth.services[service]);
      const names = Object.keys(probes).sort();
      if (names.length === 0) continue;
      const mask = valueMasker([...stack.sensitive.project, ...(stack.sensitive.services[service] ?? [])]);
      for (const probe of names) {
        const definition = probes[probe];
        if (definition) entries.push({ key: { stack: stack.name, service, probe }, definition, stack, mask });
      }
    }
  }
  return entries;
}

/**
 * Where in its interval a probe first runs: spread by its key, so a thousand probes with the same
 * interval do not all fire in the same millisecond after a restart. Pure and stable.
 */
export function firstOffset(key: string, intervalMs: number): number {
  let hash = 2166136261;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 16777619);
  }
  return (hash >>> 0) % Math.max(1, intervalMs);
}
