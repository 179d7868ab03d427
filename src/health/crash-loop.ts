/**
 * Crash loops and OOM kills of one container, from what the engine reports: its restarts (the
 * `start` events after the first, or the restart count of an inspection) and its state. A crash
 * loop is `restarts` or more restarts within `windowMs`, or the engine's own `restarting` state
 * after a second restart within the window.
 * Pure: the caller keeps the restart times and passes the current facts.
 */

export interface CrashLoopRule {
  readonly restarts: number;
  readonly windowMs: number;
}

export const DEFAULT_CRASH_LOOP: CrashLoopRule = { restarts: 3, windowMs: 5 * 60_000 };

export interface ContainerFacts {
  readonly state: string;
  readonly restartCount: number;
  readonly oomKilled: boolean;
  readonly exitCode?: number | null;
}

export interface ContainerWatch {
  /**
   * The restart count last seen, to turn a count from an inspection into restart times; -1 before
   * the first look (restarts from before Berth watched are a baseline, not news).
   */
  readonly restartCount: number;
  /** Times (ms) of the restarts seen within the window. */
  readonly restarts: readonly number[];
  readonly crashLooping: boolean;
  readonly oomKilled: boolean;
}

export const NEW_WATCH: ContainerWatch = {
  restartCount: -1,
  restarts: [],
  crashLooping: false,
  oomKilled: false,
};

/**
 * The first watch of a container whose crash-loop alert is still open (Berth restarted while it
 * looped): the loop goes on as far as Berth knows, and ends by the usual rule, once a whole window
 * passed without a restart and the container runs. Its restarts from before are a baseline, as
 * always, so the window counts from `now`. Pure.
 */
export function carriedLoopWatch(now: number): ContainerWatch {
  return { restartCount: -1, restarts: [now], crashLooping: true, oomKilled: false };
}

export type ContainerAlarm =
  | {
      readonly type: 'crash-loop';
      readonly restarts: number;
      readonly windowMs: number;
      readonly exitCode?: number;
    }
  | { readonly type: 'crash-loop-ended' }
  | { readonly type: 'oom-killed'; readonly restarts: number };

/**
 * The watch after a look at the container at `now` (an engine event or a periodic inspection), and
 * the alarms it raises: each begins once, and a crash loop ends once the window passed without a
 * restart and the container runs.
 */
export function watchContainer(
  watch: ContainerWatch,
  facts: ContainerFacts,
  now: number,
  rule: CrashLoopRule = DEFAULT_CRASH_LOOP,
): { watch: ContainerWatch; alarms: ContainerAlarm[] } {
  // A lower count means a new container under the same watch (recreated): counting starts again.
  const fresh = facts.restartCount < watch.restartCount;
  const added = fresh || watch.restartCount < 0 ? 0 : facts.restartCount - watch.restartCount;
  const restarts = [
    ...(fresh ? [] : watch.restarts.filter((t) => now - t < rule.windowMs)),
    ...Array.from({ length: added }, () => now),
  ];
  // The engine's `restarting` state is a loop once it comes back (two restarts in the window): one
  // crash of a `restart: always` service passes through `restarting` for a moment, and is not.
  const looping = restarts.length >= rule.restarts || (facts.state === 'restarting' && restarts.length >= 2);
  const alarms: ContainerAlarm[] = [];
  if (looping && !watch.crashLooping) {
    alarms.push({
      type: 'crash-loop',
      restarts: restarts.length,
      windowMs: rule.windowMs,
      ...(typeof facts.exitCode === 'number' ? { exitCode: facts.exitCode } : {}),
    });
  }
  // It ends when a whole window passed without a restart and the container runs: a loop that
  // merely slowed down (one restart a minute) is still one.
  const ended = watch.crashLooping && restarts.length === 0 && facts.state === 'running';
  if (ended) alarms.push({ type: 'crash-loop-ended' });
  // OOM: once per kill, told apart by the restart it caused (or the first time it is seen).
  const oomNew = facts.oomKilled && (!watch.oomKilled || added > 0);
  if (oomNew) alarms.push({ type: 'oom-killed', restarts: facts.restartCount });
  return {
    watch: {
      restartCount: facts.restartCount,
      restarts,
      crashLooping: looping || (watch.crashLooping && !ended),
      oomKilled: facts.oomKilled,
    },
    alarms,
  };
}
