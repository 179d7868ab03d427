import { type BigIntStats, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { type InputObservation, inputKindOf } from './load/inputs.js';
import { type LoadOptions, loadWorkspace, type WorkspaceLoad } from './stack.js';
import { reportOf, type ValidateOptions, type ValidationReport } from './validate.js';

/** A stack of the workspace as listed (the API's summary and detail are made of it); catalog fields are null when berth.yaml does not set them. */
export interface StackInfo {
  readonly name: string;
  readonly group: string | null;
  readonly owner: string | null;
  readonly description: string | null;
  readonly environment: string | null;
  /** False when the stack's files do not load (then `services` is empty). */
  readonly valid: boolean;
  readonly services: readonly string[];
}

/** How the workspace is read; tests inject `load` to count loads and `now` to age the files. */
export interface WorkspaceSourceOptions {
  readonly load?: (path: string, options: LoadOptions) => Promise<WorkspaceLoad>;
  /** Wall clock in ms, compared with the files' change times. */
  readonly now?: () => number;
}

/**
 * A file changed less than this before a load started may have changed again since within the same
 * timestamp tick, or while the load read it: a result that depends on one is used once, not kept.
 * Two seconds covers coarse filesystems (FAT, old HFS+/ext3) and the kernel's coarse clock lag.
 */
export const SETTLE_MS = 2_000;

/** Workspace paths (and so cached results) kept by `workspaceValidator`. */
const VALIDATED_PATHS = 16;

/** What `stat` says about a path: kind, device, inode, size, mtime and ctime (ns); undefined if missing. */
type Fingerprint = BigIntStats | undefined;

interface Snapshot<T> {
  readonly value: T;
  /** Each input to check before the value is used again, with its fingerprint after the load. */
  readonly fingerprints: readonly (readonly [string, Fingerprint])[];
  /** False when an input changed around the load: the value is not reused. */
  readonly settled: boolean;
}

function statOf(path: string): Fingerprint {
  try {
    return statSync(path, { bigint: true, throwIfNoEntry: false });
  } catch {
    return undefined; // ENOTDIR, EACCES...: as the load saw it, nothing there
  }
}

const same = (a: Fingerprint, b: Fingerprint): boolean =>
  a === undefined || b === undefined
    ? a === b
    : a.ctimeNs === b.ctimeNs &&
      a.mtimeNs === b.mtimeNs &&
      a.size === b.size &&
      a.ino === b.ino &&
      a.dev === b.dev &&
      inputKindOf(a) === inputKindOf(b);

/**
 * The fingerprints of what a load read, taken after it, and whether they can vouch for its result.
 *
 * A path is fingerprinted by `stat`: kind, device, inode, size, mtime and ctime in nanoseconds. A
 * rewrite changes ctime (which no tool can set back), a replacement by rename changes the inode, and
 * adding or removing an entry of a folder changes the folder's times, so the next check sees it.
 * What `stat` can miss is a change within one timestamp tick of the previous one with the same size
 * and inode (e.g. a same-length edit rewritten in place twice within a few ms on ext4, or within
 * 1-2 s on coarse filesystems), and a change made while the load was reading. Both can only happen to
 * a path whose ctime is recent at the load, so such a result is not kept: the next call reloads,
 * until the files have been still for SETTLE_MS. The same goes for a path the load saw as something
 * else (created or removed meanwhile). What remains: a filesystem whose clock runs behind this
 * host's by more than SETTLE_MS (some network filesystems), or a wall clock set back, can hide such
 * a change until the next one; and a filesystem that does not update folder times on create/delete.
 */
function fingerprint(
  inputs: ReadonlyMap<string, InputObservation>,
  startedMs: number,
): { fingerprints: [string, Fingerprint][]; settled: boolean } {
  const fingerprints: [string, Fingerprint][] = [];
  let settled = true;
  const settledBeforeNs = BigInt(Math.floor(startedMs - SETTLE_MS)) * 1_000_000n;
  for (const [path, seen] of inputs) {
    const stats = statOf(path);
    if ((stats ? inputKindOf(stats) : 'missing') !== seen) settled = false;
    if (stats && stats.ctimeNs >= settledBeforeNs) settled = false;
    // A path missing in a folder that is itself an input can only appear by changing the folder's times.
    if (seen === 'missing' && inputs.get(dirname(path)) === 'dir') continue;
    fingerprints.push([path, stats]);
  }
  return { fingerprints, settled };
}

const unchanged = (snapshot: Snapshot<unknown>): boolean =>
  snapshot.settled && snapshot.fingerprints.every(([path, print]) => same(statOf(path), print));

/**
 * `derive(loadWorkspace(path))`, loaded again only when a file or folder the last load depended on
 * changed: a call stats those paths and returns the kept value when all are as they were. The stats
 * are synchronous: there is one per file read or folder listed (42 for a catalog of 20 stacks, ~45 µs
 * in all), cheaper than handing them to the thread pool, and no change can slip in between a check
 * and its answer. Callers that arrive while a load runs share it (they see the files as it read them).
 */
function cachedLoad<T>(
  path: string,
  options: LoadOptions,
  derive: (load: WorkspaceLoad) => T,
  source: WorkspaceSourceOptions,
): () => Promise<T> {
  const load = source.load ?? loadWorkspace;
  const now = source.now ?? Date.now;
  let snapshot: Snapshot<T> | undefined;
  let loading: Promise<T> | undefined;
  const reload = async (): Promise<T> => {
    const started = now();
    const result = await load(path, options);
    const value = derive(result);
    snapshot = { value, ...fingerprint(result.inputs, started) };
    return value;
  };
  return () => {
    if (loading) return loading;
    if (snapshot && unchanged(snapshot)) return Promise.resolve(snapshot.value);
    snapshot = undefined;
    loading = reload().finally(() => {
      loading = undefined;
    });
    return loading;
  };
}

/** The stacks of a workspace load as the API lists them (frozen). */
export function stackInfos(result: WorkspaceLoad): readonly StackInfo[] {
  const loaded = new Map(result.stacks.map((s) => [s.ref.name, s]));
  return Object.freeze(
    (result.workspace?.stacks ?? []).map((ref) => {
      const stack = loaded.get(ref.name);
      return Object.freeze({
        name: stack?.name ?? ref.name,
        group: ref.catalog?.group ?? null,
        owner: ref.catalog?.owner ?? null,
        description: ref.catalog?.description ?? null,
        environment: ref.catalog?.environment ?? null,
        valid: stack !== undefined,
        services: Object.freeze(Object.keys(stack?.model.services ?? {}).sort()),
      });
    }),
  );
}

/** The workspace's load itself, kept the same way: what background services (the scheduler) read. */
export function workspaceLoads(
  root: string,
  options: LoadOptions,
  source: WorkspaceSourceOptions = {},
): () => Promise<WorkspaceLoad> {
  return cachedLoad(root, options, (load) => load, source);
}

/**
 * `listStacks` for the app: the files are the truth, so the workspace is loaded again whenever a file
 * or folder it was read from changed, and otherwise answered from the last load. Stacks whose files
 * do not load are listed as invalid, not hidden.
 */
export function workspaceStacks(
  root: string,
  options: LoadOptions,
  source: WorkspaceSourceOptions = {},
): () => Promise<readonly StackInfo[]> {
  return cachedLoad(root, options, stackInfos, source);
}

/**
 * `validate` for the app: `berth validate --json` on one path, with paths shown relative to the
 * workspace; kept per path (the last VALIDATED_PATHS paths) and loaded again when its files change.
 */
export function workspaceValidator(
  root: string,
  options: Omit<ValidateOptions, 'cwd'>,
  source: WorkspaceSourceOptions = {},
): (path: string) => Promise<ValidationReport> {
  const byPath = new Map<string, () => Promise<ValidationReport>>();
  return (path) => {
    let validate = byPath.get(path);
    if (validate)
      byPath.delete(path); // re-inserted below: the map is in least recently used order
    else {
      validate = cachedLoad(path, options, (load) => reportOf(load.files, load.diagnostics, root), source);
      for (const stale of byPath.keys()) {
        if (byPath.size < VALIDATED_PATHS) break;
        byPath.delete(stale);
      }
    }
    byPath.set(path, validate);
    return validate();
  };
}
