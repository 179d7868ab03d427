import { sep } from 'node:path';
import type { Diagnostic } from './diagnostics.js';
import type { StackRef } from './load/workspace.js';
import type { LoadedStack, WorkspaceLoad } from './stack.js';

/**
 * The stacks that work without a request (scheduled jobs, backups, probes) keep running on the last
 * load of their files while those files do not load: a half-finished edit or a typo must not stop
 * the nightly backup or the monitoring of what runs. A stack that leaves the workspace stops at once.
 * The stacks that do not load are named, with their first error, so that someone is told. Pure.
 */

/** A stack of the workspace whose files do not load now. */
export interface UnloadedStack {
  readonly name: string;
  /** Its first error, located (file:line:col); absent when the load gave none for its files. */
  readonly error?: Diagnostic;
  /** Whether an earlier load of its files stands in meanwhile (false: it had none since the start). */
  readonly kept: boolean;
}

export interface LastGood {
  /** Each stack of the workspace as it loads now, or as it last loaded when its files do not load now. */
  readonly stacks: readonly LoadedStack[];
  readonly unloaded: readonly UnloadedStack[];
  /** The last good load of each stack still in the workspace, for the next call. */
  readonly memory: ReadonlyMap<string, LoadedStack>;
}

/** Which stack of the workspace a load is of: its folder and compose files (its name may change). */
export function refKey(ref: Pick<StackRef, 'dir' | 'files'>): string {
  return [ref.dir, ...ref.files].join('\0');
}

function firstError(load: WorkspaceLoad, ref: StackRef): Diagnostic | undefined {
  const inside = (file: string) =>
    ref.files.includes(file) || file === ref.dir || file.startsWith(`${ref.dir}${sep}`);
  return load.diagnostics.find((d) => d.severity === 'error' && inside(d.file));
}

/** The load with the last good version of each stack that does not load now (see above). */
export function withLastGood(load: WorkspaceLoad, memory: ReadonlyMap<string, LoadedStack>): LastGood {
  const loaded = new Map(load.stacks.map((s) => [refKey(s.ref), s]));
  const next = new Map<string, LoadedStack>();
  const stacks: LoadedStack[] = [];
  const unloaded: UnloadedStack[] = [];
  const taken = new Set(load.stacks.map((s) => s.name));
  for (const ref of load.workspace?.stacks ?? []) {
    const key = refKey(ref);
    const now = loaded.get(key);
    if (now !== undefined) {
      next.set(key, now);
      stacks.push(now);
      continue;
    }
    const before = memory.get(key);
    // A stand-in whose name another stack now has would run that stack's work twice: not kept.
    const kept = before !== undefined && !taken.has(before.name);
    const error = firstError(load, ref);
    unloaded.push({ name: before?.name ?? ref.name, ...(error ? { error } : {}), kept });
    if (kept) {
      next.set(key, before);
      stacks.push(before);
      taken.add(before.name);
    }
  }
  return { stacks, unloaded, memory: next };
}
