import type { Clock } from '../clock.js';
import type { AlertChannel } from '../config/alert-resolve.js';
import type { AlertStore, DeliveryRecord } from '../store/index.js';
import { attempt } from './attempt.js';
import { afterFailure } from './backoff.js';
import { WakeableLoop } from './loop.js';
import { errorMasker } from './mask.js';
import { AlertMessageSchema } from './message.js';
import type { Sender } from './senders/types.js';

export interface LaneDeps {
  readonly channel: AlertChannel;
  readonly sender: Sender;
  readonly store: () => AlertStore;
  readonly clock: Clock;
  /** A delivery given up: the reason is masked. */
  readonly onDead: (delivery: DeliveryRecord, reason: string) => void;
  readonly onError: (error: unknown) => void;
}

/**
 * The deliveries of one channel, one at a time, oldest due first, from the table (so what was
 * pending when Berth stopped goes out after it starts). Each channel has its own lane: a channel
 * that hangs or fails holds only its own messages, never another channel's or the caller's.
 */
export class Lane {
  private readonly loop: WakeableLoop;
  /** Aborted when the shutdown grace is over: the attempt in flight ends, its delivery stays pending. */
  private readonly stopSends = new AbortController();

  constructor(private readonly deps: LaneDeps) {
    this.loop = new WakeableLoop(deps.clock, () => this.pass(), deps.onError);
  }

  get channel(): string {
    return this.deps.channel.name;
  }

  start(): void {
    this.loop.start();
  }

  /** New deliveries were queued: look at once. */
  wake(): void {
    this.loop.wake();
  }

  /** Takes no new delivery; the one in flight gets `graceMs`, then is cut short (and stays pending). */
  async drain(graceMs: number): Promise<void> {
    const halted = this.loop.halt();
    const grace = new AbortController();
    const late = await Promise.race([
      halted.then(() => false),
      this.deps.clock.sleep(graceMs, grace.signal).then(
        () => true,
        () => false,
      ),
    ]);
    grace.abort();
    if (late) this.stopSends.abort();
    await halted;
  }

  private async pass(): Promise<number | undefined> {
    const store = this.deps.store();
    const now = this.deps.clock.now().getTime();
    const [due] = store.due(this.channel, now, 1);
    if (due === undefined) return store.nextDueAt(this.channel);
    await this.deliver(store, due);
    return now;
  }

  private async deliver(store: AlertStore, delivery: DeliveryRecord): Promise<void> {
    const { clock, sender, channel } = this.deps;
    const attempts = delivery.attempts + 1;
    const message = AlertMessageSchema.safeParse(delivery.payload);
    if (!message.success) {
      const reason = 'the stored message is unreadable (written by another version of Berth?)';
      store.dead(delivery.id, attempts, reason);
      this.deps.onDead(delivery, reason);
      return;
    }
    const { result, stopped } = await attempt(sender, message.data, {
      delivery: delivery.id,
      clock,
      timeoutMs: channel.timeoutMs,
      stop: this.stopSends.signal,
    });
    if (stopped) return;
    if (result.ok) {
      store.delivered(delivery.id, attempts);
      return;
    }
    const mask = errorMasker(sender.secrets());
    const next = afterFailure(attempts, clock.now().getTime(), { ...result, error: mask(result.error) });
    if (next.action === 'retry') {
      store.retry(delivery.id, attempts, next.nextAt, mask(result.error));
    } else {
      store.dead(delivery.id, attempts, next.reason);
      this.deps.onDead({ ...delivery, attempts }, next.reason);
    }
  }
}
