import type { AlertChannelView, AlertList, AlertTestResult } from '../api/alerts.js';
import type { StreamEvent } from '../api/events.js';
import type { Clock } from '../clock.js';
import type { AlertChannel, AlertSettings } from '../config/alert-resolve.js';
import type { EventPublisher } from '../events/hub.js';
import type { AlertStore, DeliveryRecord } from '../store/index.js';
import { attempt } from './attempt.js';
import { classify } from './classify.js';
import { AlertError } from './errors.js';
import { Lane } from './lane.js';
import { decide, testMessage } from './lifecycle.js';
import { errorMasker } from './mask.js';
import { AlertMessageSchema } from './message.js';
import { Reminders } from './reminders.js';
import { routeFor } from './routing.js';
import { senderFor } from './senders/channels.js';
import type { Sender } from './senders/types.js';
import { alertView, channelView, deliveryView } from './views.js';

export interface AlertLogger {
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface AlertServiceDeps {
  readonly store: () => { readonly alerts: AlertStore };
  readonly clock: Clock;
  /** The `alerts:` settings; undefined: no channel (alerts are still recorded). */
  readonly settings: () => AlertSettings | undefined;
  readonly logger?: AlertLogger;
  /** Where dead letters are published, as `alert` events (never alerted themselves). */
  readonly events?: () => EventPublisher;
}

/** A test is parked here while it runs, so no lane picks it up. */
const PARKED = Number.MAX_SAFE_INTEGER;

/**
 * Alerts from events: `handle` records and queues (synchronously, without waiting for any
 * channel), one lane per channel delivers with retries, reminders are queued on the clock. A slow
 * or failing channel delays only its own lane: never the publisher of the event (a probe), and
 * never another channel.
 */
export class AlertService {
  private readonly lanes = new Map<string, Lane>();
  private readonly senders = new Map<string, Sender>();
  private reminders: Reminders | undefined;
  /** Aborted when the shutdown grace is over: a test in flight ends. */
  private readonly shutdown = new AbortController();
  private readonly testsInFlight = new Set<Promise<unknown>>();

  constructor(private readonly deps: AlertServiceDeps) {}

  /** Records what the event opens, resolves or notes, and queues its messages. Never throws. */
  handle(event: StreamEvent): void {
    try {
      const signal = classify(event);
      if (signal === undefined) return;
      const settings = this.deps.settings();
      const store = this.deps.store().alerts;
      const open = signal.status === 'notice' ? undefined : store.openAlert(signal.key);
      const decision = decide({
        event,
        signal,
        routes: routeFor(event, signal.severity, settings),
        open,
        configured: this.configured(),
        now: this.deps.clock.now(),
      });
      if (decision.action === 'skip') return;
      if (decision.action === 'insert') {
        store.insert(decision.alert, decision.deliveries);
        this.reminders?.wake();
      } else {
        store.resolve(decision.id, decision.at, decision.deliveries);
      }
      this.wake(decision.deliveries.map((d) => d.channel));
    } catch (error: unknown) {
      this.deps.logger?.error({ err: error, event: event.id }, 'an alert could not be recorded');
    }
  }

  /** Starts a lane per configured channel and the reminders; gives up what cannot be sent any more. */
  start(): void {
    if (this.reminders !== undefined) return;
    const store = this.deps.store().alerts;
    const configured = this.configured();
    for (const channel of store.pendingChannels().filter((c) => !configured.has(c))) {
      for (const d of store.due(channel, PARKED, 1000)) {
        store.dead(d.id, d.attempts, `the channel ${channel} is not configured any more`);
      }
    }
    store.abandonTests('berth stopped while the test ran');
    for (const channel of Object.values(this.deps.settings()?.channels ?? {})) {
      const lane = new Lane({
        channel,
        sender: this.senderOf(channel),
        store: () => this.deps.store().alerts,
        clock: this.deps.clock,
        onDead: (d, reason) => this.deadLetter(d, reason),
        onError: (error) =>
          this.deps.logger?.error({ err: error, channel: channel.name }, 'alert delivery failed'),
      });
      this.lanes.set(channel.name, lane);
      lane.start();
    }
    this.reminders = new Reminders({
      store: () => this.deps.store().alerts,
      clock: this.deps.clock,
      configured: () => this.configured(),
      queued: (channels) => this.wake(channels),
      onError: (error) => this.deps.logger?.error({ err: error }, 'alert reminders failed'),
    });
    this.reminders.start();
  }

  /** Stops taking work; attempts in flight get `graceMs`, then end (their deliveries stay pending). */
  async drain(graceMs: number): Promise<void> {
    const tests = Promise.allSettled([...this.testsInFlight]);
    const grace = new AbortController();
    const testsDone = Promise.race([
      tests,
      this.deps.clock.sleep(graceMs, grace.signal).then(
        () => this.shutdown.abort(),
        () => undefined,
      ),
    ]);
    await Promise.all([
      this.reminders?.halt(),
      ...[...this.lanes.values()].map((lane) => lane.drain(graceMs)),
      testsDone,
    ]);
    grace.abort();
    this.shutdown.abort();
    await tests;
  }

  /** Sends a test message to `name` now (not through its lane, not retried), recorded as a delivery. */
  async test(name: string): Promise<AlertTestResult> {
    const channel = this.deps.settings()?.channels[name];
    if (channel === undefined) {
      const names = Object.keys(this.deps.settings()?.channels ?? {});
      throw new AlertError(
        'ALERT_CHANNEL_NOT_FOUND',
        `no alert channel is named ${name}`,
        names.length > 0
          ? `channels: ${names.join(', ')}`
          : 'define channels under `alerts:` in the config file',
      );
    }
    const store = this.deps.store().alerts;
    const message = testMessage(name, this.deps.clock.now());
    const delivery = store.addDelivery(message.key, {
      channel: name,
      kind: 'test',
      payload: message,
      nextAt: PARKED,
    });
    const sender = this.senderOf(channel);
    const sending = attempt(sender, message, {
      delivery: delivery.id,
      clock: this.deps.clock,
      timeoutMs: channel.timeoutMs,
      stop: this.shutdown.signal,
    });
    this.testsInFlight.add(sending);
    const { result, ms } = await sending.finally(() => this.testsInFlight.delete(sending));
    if (result.ok) {
      store.delivered(delivery.id, 1);
      return { channel: name, ok: true, ms, delivery: delivery.id };
    }
    const error = errorMasker(sender.secrets())(result.error);
    store.dead(delivery.id, 1, error);
    return { channel: name, ok: false, ms, error, delivery: delivery.id };
  }

  /** Recent alerts and deliveries, newest first. */
  list(options: { limit: number }): AlertList {
    const store = this.deps.store().alerts;
    return {
      alerts: store.recentAlerts(options.limit).map(alertView),
      deliveries: store.recentDeliveries(options.limit).map(deliveryView),
    };
  }

  channels(): AlertChannelView[] {
    return Object.values(this.deps.settings()?.channels ?? {}).map(channelView);
  }

  private configured(): ReadonlySet<string> {
    return new Set(Object.keys(this.deps.settings()?.channels ?? {}));
  }

  private wake(channels: readonly string[]): void {
    for (const channel of new Set(channels)) this.lanes.get(channel)?.wake();
  }

  /** One sender per channel, so what it revealed is known when its errors are masked. */
  private senderOf(channel: AlertChannel): Sender {
    let sender = this.senders.get(channel.name);
    if (sender === undefined) {
      sender = senderFor(channel);
      this.senders.set(channel.name, sender);
    }
    return sender;
  }

  private deadLetter(delivery: DeliveryRecord, reason: string): void {
    const message = AlertMessageSchema.safeParse(delivery.payload);
    const stack = message.success ? message.data.stack : undefined;
    this.deps.logger?.warn(
      { channel: delivery.channel, delivery: delivery.id, key: delivery.alertKey, reason },
      'an alert message was given up',
    );
    try {
      this.deps.events?.().publish({
        kind: 'alert',
        type: 'dead-letter',
        ...(stack !== undefined ? { stack } : {}),
        message: `the ${delivery.kind} message of ${delivery.alertKey} to ${delivery.channel} was given up: ${reason}`,
        data: {
          delivery: delivery.id,
          channel: delivery.channel,
          key: delivery.alertKey,
          attempts: delivery.attempts,
          reason,
        },
      });
    } catch (error: unknown) {
      this.deps.logger?.warn({ err: error }, 'a dead-letter event could not be stored');
    }
  }
}
