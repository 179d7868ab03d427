import type { JobKey } from '../api/jobs.js';
import type { LoadedStack } from '../compose/stack.js';
import { valueMasker } from '../secrets/mask.js';
import { type JobDefinition, jobsOf } from './xberth.js';

/** A job as defined in a stack's files, with what running it needs. */
export interface JobEntry {
  readonly key: JobKey;
  readonly definition: JobDefinition;
  readonly stack: LoadedStack;
  /** Masks every secret value of the service (its stack's `.env`, its env files, secret-looking variables). */
  readonly mask: (text: string) => string;
}

/** Every job of the stacks that load; stacks with errors define none until they are fixed. */
export function jobEntries(stacks: readonly LoadedStack[]): JobEntry[] {
  const entries: JobEntry[] = [];
  for (const stack of stacks) {
    for (const service of Object.keys(stack.model.services ?? {}).sort()) {
      const jobs = jobsOf(stack.xberth.services[service]);
      for (const [job, definition] of Object.entries(jobs).sort(([a], [b]) => a.localeCompare(b))) {
        entries.push({
          key: { stack: stack.name, service, job },
          definition,
          stack,
          mask: valueMasker([...stack.sensitive.project, ...(stack.sensitive.services[service] ?? [])]),
        });
      }
    }
  }
  return entries;
}

export const keyText = (key: JobKey): string => `${key.stack}/${key.service}/${key.job}`;
