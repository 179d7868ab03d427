import { type FSWatcher, watch } from 'node:fs';
import { dirname } from 'node:path';
import type { WorkspaceLoad } from '../compose/stack.js';

/** How long a load vouched for by the watchers is trusted before its files are stat'ed again. */
export const WATCH_TRUST_MS = 1_000;

export interface WatchedWorkspace {
  /** The workspace as it loads now: the same object as long as none of its files changed. */
  load(): Promise<WorkspaceLoad>;
  /** Whether the last answer came from the watchers (no stat); for tests and metrics. */
  readonly watching: boolean;
  close(): void;
}

export interface WatchOptions {
  /** Monotonic ms; defaults to performance.now. */
  readonly now?: () => number;
  readonly trustMs?: number;
  /** Injected by tests that count watchers; defaults to fs.watch. */
  readonly watchPath?: (path: string, onChange: () => void) => FSWatcher;
}

const defaultWatch = (path: string, onChange: () => void): FSWatcher =>
  watch(path, { persistent: false }, onChange).on('error', onChange);

/**
 * Puts kernel change notifications (inotify) in front of an exact, stat-checked workspace load
 * (`workspaceLoads`): while every file and folder the last load read is watched and no watcher has
 * fired, the kept load is answered without a single `stat` (a catalog of 20 stacks is ~40 stats,
 * ~0.1 ms of CPU, per request otherwise).
 *
 * A change is never missed, only re-checked: the watchers are armed after a load and then the load
 * is checked once more by `stat` (a change before arming shows there); a change after arming fires
 * a watcher, which sends the next call to the stat check. A file edited and then asked about is
 * seen: the kernel queues the notification when the write returns, before the request that follows
 * it can arrive, and the event loop reads it first. Loads that are not kept (files changed within
 * the settle time) and inputs that cannot be watched (a missing path outside a watched folder, a
 * watch limit reached) fall back to the stat check on every call. Filesystems that send no
 * notifications for remote changes (NFS) are re-checked by stat at least every `trustMs`.
 */
export function watchedWorkspace(
  load: () => Promise<WorkspaceLoad>,
  options: WatchOptions = {},
): WatchedWorkspace {
  const now = options.now ?? (() => performance.now());
  const trustMs = options.trustMs ?? WATCH_TRUST_MS;
  const watchPath = options.watchPath ?? defaultWatch;
  let watchers: FSWatcher[] = [];
  /** The load the watchers were armed for, once checked after arming. */
  let armed: WorkspaceLoad | undefined;
  /** Bumped by every notification. */
  let changes = 0;
  /** `changes` when `armed` was last checked, and when. */
  let checked: { changes: number; at: number } | undefined;
  let watching = false;

  const disarm = () => {
    for (const w of watchers) w.close();
    watchers = [];
    armed = undefined;
    checked = undefined;
  };
  const onChange = () => {
    changes++;
  };
  /** Watches every input; false when one cannot be (then nothing is watched). */
  const arm = (result: WorkspaceLoad): boolean => {
    for (const [path, seen] of result.inputs) {
      if (seen === 'missing' && result.inputs.get(dirname(path)) === 'dir') continue;
      if (seen !== 'file' && seen !== 'dir' && seen !== 'other') return false;
      try {
        watchers.push(watchPath(path, onChange));
      } catch {
        return false;
      }
    }
    return true;
  };

  const refresh = async (): Promise<WorkspaceLoad> => {
    const before = changes;
    const result = await load();
    if (result !== armed) {
      disarm();
      if (!arm(result)) {
        disarm();
        return result;
      }
      // A change between the load's own check and the arming shows in this one.
      const again = await load();
      if (again !== result) {
        disarm();
        return again;
      }
      armed = result;
    }
    if (changes === before) checked = { changes, at: now() };
    return result;
  };
  /** One refresh at a time: callers that arrive meanwhile share it. */
  let refreshing: Promise<WorkspaceLoad> | undefined;

  return {
    get watching() {
      return watching;
    },
    load() {
      if (armed && checked && checked.changes === changes && now() - checked.at < trustMs) {
        watching = true;
        return Promise.resolve(armed);
      }
      watching = false;
      refreshing ??= refresh().finally(() => {
        refreshing = undefined;
      });
      return refreshing;
    },
    close: disarm,
  };
}
