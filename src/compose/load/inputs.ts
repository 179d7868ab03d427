import { AsyncLocalStorage } from 'node:async_hooks';
import { resolve } from 'node:path';

/** What a path was when a load looked at it. */
export type InputKind = 'file' | 'dir' | 'other' | 'missing';

/** `changed` when one load saw a path as two different kinds (it was created or removed meanwhile). */
export type InputObservation = InputKind | 'changed';

/**
 * Every path a load depended on, with what it saw there: files read, folders listed, and paths
 * probed and found missing (a `.env` that does not exist yet matters as much as one that does).
 */
export type Inputs = ReadonlyMap<string, InputObservation>;

/** The kind of a `stat` result (plain or bigint). */
export function inputKindOf(stats: { isFile(): boolean; isDirectory(): boolean }): InputKind {
  return stats.isFile() ? 'file' : stats.isDirectory() ? 'dir' : 'other';
}

// Every filesystem access of the spec layer goes through source.ts and discover.ts, which note the
// path here; the recorders of the loads running in this async context (nested loads included) get it.
// A storage in use keeps Node's promise hooks on, a cost to every promise of the process (each API
// request's): it is disabled whenever no load is running, and `run` enables it again for the next.
const recorders = new AsyncLocalStorage<readonly Map<string, InputObservation>[]>();
/** Recordings not yet finished, nested and concurrent ones included. */
let running = 0;

/** Notes that the running load looked at `path` and saw `kind` (a no-op outside `recordInputs`). */
export function noteInput(path: string, kind: InputKind): void {
  const active = recorders.getStore();
  if (active === undefined) return;
  const key = resolve(path);
  for (const inputs of active) {
    const seen = inputs.get(key);
    inputs.set(key, seen === undefined || seen === kind ? kind : 'changed');
  }
}

/** Runs `task`, collecting the paths it (and the asynchronous work it starts and awaits) looked at. */
export async function recordInputs<T>(task: () => Promise<T>): Promise<{ result: T; inputs: Inputs }> {
  const inputs = new Map<string, InputObservation>();
  running++;
  try {
    const result = await recorders.run([...(recorders.getStore() ?? []), inputs], task);
    return { result, inputs };
  } finally {
    // Work a finished load left behind (never awaited) then notes nothing: its inputs were handed over.
    if (--running === 0) recorders.disable();
  }
}
