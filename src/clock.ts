/**
 * Time as a dependency: code that waits takes a Clock, so tests drive time with `manualClock`
 * instead of sleeping for real.
 */
export interface Clock {
  now(): Date;
  /** Resolves after `ms`; rejects with the signal's reason when the signal aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface ManualClock extends Clock {
  /**
   * Moves time forward by `ms`, firing every sleep whose deadline falls inside the step, in
   * deadline order (ties: the order the sleeps began). Pending microtasks and immediates run
   * before each sleep fires and after the last, so code woken by one sleep can start the next one
   * within the same step.
   */
  advance(ms: number): Promise<void>;
}

/** The longest delay setTimeout takes as asked. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function checkDelay(ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a delay must be a finite number >= 0, got ${ms}`);
}

/** The signal's reason, or a standard AbortError when the signal has none (cannot happen on Node 20). */
function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

export function systemClock(): Clock {
  return {
    now: () => new Date(),
    sleep(ms, signal) {
      checkDelay(ms);
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(abortReason(signal));
          return;
        }
        // setTimeout fires at once past 2^31 - 1 ms (about 24.8 days): longer waits go in steps.
        const deadline = Date.now() + ms;
        let timer: NodeJS.Timeout;
        const onAbort = (): void => {
          clearTimeout(timer);
          if (signal) reject(abortReason(signal));
        };
        const arm = (): void => {
          const left = deadline - Date.now();
          if (left > MAX_TIMER_MS) {
            timer = setTimeout(arm, MAX_TIMER_MS);
            return;
          }
          timer = setTimeout(
            () => {
              signal?.removeEventListener('abort', onAbort);
              resolve();
            },
            Math.max(left, 0),
          );
        };
        arm();
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}

interface Timer {
  readonly deadline: number;
  readonly seq: number;
  readonly fire: () => void;
}

/** Lets every queued microtask run, including those that queue more (one macrotask turn). */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A clock that only moves when `advance` is called. `sleep(0)` resolves at once (its deadline has
 * already passed); any other sleep waits for an `advance` that reaches its deadline.
 */
export function manualClock(start: Date = new Date(0)): ManualClock {
  let current = start.getTime();
  let seq = 0;
  const timers = new Set<Timer>();

  function nextDue(limit: number): Timer | undefined {
    let next: Timer | undefined;
    for (const timer of timers) {
      if (timer.deadline > limit) continue;
      if (
        next === undefined ||
        timer.deadline < next.deadline ||
        (timer.deadline === next.deadline && timer.seq < next.seq)
      ) {
        next = timer;
      }
    }
    return next;
  }

  return {
    now: () => new Date(current),
    sleep(ms, signal) {
      checkDelay(ms);
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(abortReason(signal));
          return;
        }
        if (ms === 0) {
          resolve();
          return;
        }
        const onAbort = (): void => {
          timers.delete(timer);
          if (signal) reject(abortReason(signal));
        };
        const timer: Timer = {
          deadline: current + ms,
          seq: seq++,
          fire: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        timers.add(timer);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
    async advance(ms) {
      checkDelay(ms);
      const target = current + ms;
      await settle();
      for (let timer = nextDue(target); timer !== undefined; timer = nextDue(target)) {
        timers.delete(timer);
        current = timer.deadline;
        timer.fire();
        await settle();
      }
      current = target;
      await settle();
    },
  };
}
