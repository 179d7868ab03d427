import type { Clock } from '../clock.js';

/** The longest a loop sleeps: timers past 2^31 ms misfire, and files may change in between. */
export const MAX_SLEEP_MS = 60_000;

/**
 * The loop of a scheduler: it calls `tick` (which fires what is due and says when to look again),
 * sleeps on the injected clock never longer than MAX_SLEEP_MS, and keeps the runs it fired so a
 * shutdown can give them a grace period and then stop them (through `runs`).
 */
export class TickLoop {
  private readonly stopping = new AbortController();
  /** Aborted when the grace of a shutdown is over: fired runs stop. */
  private readonly stopRuns = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly fired = new Set<Promise<void>>();

  constructor(
    private readonly clock: Clock,
    private readonly tick: () => Promise<Date | undefined>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** What runs fired by the loop listen to. */
  get runs(): AbortSignal {
    return this.stopRuns.signal;
  }

  /** A loop drained before it started never starts. */
  start(): void {
    if (this.stopping.signal.aborted) return;
    this.loop = this.run();
  }

  /** Keeps a fired run until it settles (it must not reject). */
  track(run: Promise<void>): void {
    this.fired.add(run);
    void run.finally(() => this.fired.delete(run));
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      let next: Date | undefined;
      try {
        next = await this.tick();
      } catch (error: unknown) {
        this.onError(error);
      }
      const wait = next ? next.getTime() - this.clock.now().getTime() : MAX_SLEEP_MS;
      try {
        await this.clock.sleep(Math.min(Math.max(wait, 0), MAX_SLEEP_MS), this.stopping.signal);
      } catch {
        return;
      }
    }
  }

  /** Stops firing, waits for `before`, gives fired runs `graceMs`, then stops them and waits. */
  async drain(graceMs: number, before?: Promise<unknown>): Promise<void> {
    this.stopping.abort();
    await this.loop;
    await before;
    const settled = Promise.allSettled([...this.fired]);
    const grace = new AbortController();
    const late = await Promise.race([
      settled.then(() => false),
      this.clock.sleep(graceMs, grace.signal).then(
        () => true,
        () => false,
      ),
    ]);
    grace.abort();
    if (late) {
      this.stopRuns.abort(new Error('berth serve is shutting down'));
      await settled;
    }
  }
}
