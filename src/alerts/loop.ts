import type { Clock } from '../clock.js';

/** The longest a loop sleeps without looking again (a missed wake-up costs at most this). */
export const IDLE_MS = 60_000;

/**
 * A loop that runs `pass` until stopped, sleeping on the clock until the time `pass` returns (ms;
 * undefined: nothing due) or until woken. Each pass starts with a fresh wake-up signal, so a wake
 * that arrives during a pass makes the next sleep end at once.
 */
export class WakeableLoop {
  private readonly stopping = new AbortController();
  private wakeup = new AbortController();
  private running: Promise<void> | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly pass: () => Promise<number | undefined>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** A loop halted before it started never starts. */
  start(): void {
    if (this.stopping.signal.aborted) return;
    this.running ??= this.run();
  }

  wake(): void {
    this.wakeup.abort();
  }

  /** Stops after the current pass; resolves when it has ended. */
  halt(): Promise<void> {
    this.stopping.abort();
    this.wakeup.abort();
    return this.running ?? Promise.resolve();
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      this.wakeup = new AbortController();
      let next: number | undefined;
      try {
        next = await this.pass();
      } catch (error: unknown) {
        this.onError(error);
      }
      if (this.stopping.signal.aborted) return;
      const wait =
        next === undefined ? IDLE_MS : Math.min(IDLE_MS, Math.max(0, next - this.clock.now().getTime()));
      if (wait === 0) continue;
      try {
        // The wake-up signal alone (halt aborts it too): AbortSignal.any on the long-lived stopping
        // signal would keep a listener per sleep on Node 20 (nodejs/node#55351).
        await this.clock.sleep(wait, this.wakeup.signal);
      } catch {
        // Woken or stopped: look again (or end).
      }
    }
  }
}
