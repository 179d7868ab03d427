import { describe, expect, it } from 'vitest';
import { manualClock } from '../clock.js';
import { Wakeup } from './watch.js';

describe('Wakeup', () => {
  it('ends a wait at its timer when nothing wakes it', async () => {
    const clock = manualClock();
    const wakeup = new Wakeup();
    let done = false;
    const waiting = wakeup.wait(clock, 1000).then(() => {
      done = true;
    });
    await clock.advance(999);
    expect(done).toBe(false);
    await clock.advance(1);
    await waiting;
    expect(done).toBe(true);
  });

  it('ends a wait at once on a wake-up, and keeps a wake-up that came before the wait', async () => {
    const clock = manualClock();
    const wakeup = new Wakeup();
    const waiting = wakeup.wait(clock, 60_000);
    wakeup.wake();
    await waiting;
    expect(clock.now().getTime()).toBe(0);
    wakeup.wake();
    await wakeup.wait(clock, 60_000);
    expect(clock.now().getTime()).toBe(0);
    // Consumed: the next wait runs to its timer.
    let done = false;
    const again = wakeup.wait(clock, 500).then(() => {
      done = true;
    });
    await clock.advance(499);
    expect(done).toBe(false);
    await clock.advance(1);
    await again;
  });

  it('rejects with the signal’s reason when aborted, before or during the wait', async () => {
    const clock = manualClock();
    const wakeup = new Wakeup();
    const controller = new AbortController();
    const waiting = wakeup.wait(clock, 60_000, controller.signal);
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    await expect(wakeup.wait(clock, 10, controller.signal)).rejects.toThrow('cancelled');
  });
});
