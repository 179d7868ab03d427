import { describe, expect, it, vi } from 'vitest';
import { manualClock, systemClock } from './clock.js';

/** Records which sleeps resolved (or rejected), without awaiting them. */
function track(promise: Promise<void>): { state: 'pending' | 'resolved' | 'rejected'; reason?: unknown } {
  const seen: { state: 'pending' | 'resolved' | 'rejected'; reason?: unknown } = { state: 'pending' };
  promise.then(
    () => {
      seen.state = 'resolved';
    },
    (reason: unknown) => {
      seen.state = 'rejected';
      seen.reason = reason;
    },
  );
  return seen;
}

describe('manualClock', () => {
  it('starts at the given time, or the epoch', () => {
    expect(manualClock(new Date('2024-05-01T00:00:00Z')).now().toISOString()).toBe(
      '2024-05-01T00:00:00.000Z',
    );
    expect(manualClock().now().getTime()).toBe(0);
  });

  it('hands out copies of its time', () => {
    const clock = manualClock();
    clock.now().setTime(5000);
    expect(clock.now().getTime()).toBe(0);
  });

  it('resolves a sleep only when advance reaches its deadline', async () => {
    const clock = manualClock();
    const sleep = track(clock.sleep(1000));
    await clock.advance(999);
    expect(sleep.state).toBe('pending');
    expect(clock.now().getTime()).toBe(999);
    await clock.advance(1);
    expect(sleep.state).toBe('resolved');
    expect(clock.now().getTime()).toBe(1000);
  });

  it('resolves sleep(0) at once', async () => {
    await expect(manualClock().sleep(0)).resolves.toBeUndefined();
  });

  it('fires sleeps in deadline order, ties in the order they began, with now() at each deadline', async () => {
    const clock = manualClock();
    const fired: string[] = [];
    const at = (name: string, ms: number) =>
      clock.sleep(ms).then(() => fired.push(`${name}@${clock.now().getTime()}`));
    void at('c', 300);
    void at('a', 100);
    void at('b1', 200);
    void at('b2', 200);
    await clock.advance(1000);
    expect(fired).toEqual(['a@100', 'b1@200', 'b2@200', 'c@300']);
    expect(clock.now().getTime()).toBe(1000);
  });

  it('runs sleeps begun by woken code within the same advance, after its microtasks', async () => {
    const clock = manualClock();
    const ticks: number[] = [];
    const loop = async () => {
      for (let i = 0; i < 5; i++) {
        await clock.sleep(100);
        // Several awaits between sleeps: advance must let them all run before moving on.
        await Promise.resolve();
        await Promise.resolve().then(() => Promise.resolve());
        ticks.push(clock.now().getTime());
      }
    };
    const done = track(loop());
    await clock.advance(250);
    expect(ticks).toEqual([100, 200]);
    await clock.advance(250);
    expect(ticks).toEqual([100, 200, 300, 400, 500]);
    expect(done.state).toBe('resolved');
  });

  it('rejects with the reason when aborted before or during a sleep, and forgets the sleep', async () => {
    const clock = manualClock();
    const reason = new Error('stop');
    await expect(clock.sleep(100, AbortSignal.abort(reason))).rejects.toBe(reason);

    const controller = new AbortController();
    const sleep = track(clock.sleep(100, controller.signal));
    const other = track(clock.sleep(100));
    controller.abort(reason);
    await clock.advance(100);
    expect(sleep).toEqual({ state: 'rejected', reason });
    expect(other.state).toBe('resolved');
  });

  it('ignores an abort after the sleep resolved', async () => {
    const clock = manualClock();
    const controller = new AbortController();
    const sleep = track(clock.sleep(10, controller.signal));
    await clock.advance(10);
    controller.abort(new Error('late'));
    await clock.advance(0);
    expect(sleep.state).toBe('resolved');
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a delay of %d', async (ms) => {
    const clock = manualClock();
    expect(() => clock.sleep(ms)).toThrow(RangeError);
    await expect(clock.advance(ms)).rejects.toThrow(RangeError);
  });
});

describe('systemClock', () => {
  it('tells the time', () => {
    const before = Date.now();
    const now = systemClock().now();
    expect(now).toBeInstanceOf(Date);
    expect(now.getTime()).toBeGreaterThanOrEqual(before);
  });

  it('sleeps', async () => {
    await expect(systemClock().sleep(1)).resolves.toBeUndefined();
  });

  it('rejects with the reason when aborted before or during a sleep', async () => {
    const clock = systemClock();
    const reason = new Error('stop');
    await expect(clock.sleep(10, AbortSignal.abort(reason))).rejects.toBe(reason);
    const controller = new AbortController();
    // An hour: the test would time out unless the abort ends it.
    const sleeping = clock.sleep(3_600_000, controller.signal);
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
  });

  it('refuses a negative delay', () => {
    expect(() => systemClock().sleep(-5)).toThrow(RangeError);
  });

  it('waits out a delay longer than a timer can hold (2^31 ms), in steps', async () => {
    vi.useFakeTimers();
    try {
      let done = false;
      const sleeping = systemClock()
        .sleep(30 * 86_400_000)
        .then(() => {
          done = true;
        });
      await vi.advanceTimersByTimeAsync(2 ** 31 + 1000);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(30 * 86_400_000);
      await sleeping;
      expect(done).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
