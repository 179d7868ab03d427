import type { StreamEvent } from '../api/events.js';
import type { AlertRecord, AlertRoute, NewAlert, NewDelivery } from '../store/index.js';
import type { AlertSignal } from './classify.js';
import type { AlertMessage, MessageKind } from './message.js';
import type { ChannelRoute } from './routing.js';

/**
 * The life of an alert, as data in and data out: an `open` starts it (unless one of the same key is
 * open: a repeat is not sent again), reminders follow every N minutes on the channels that asked
 * for them while it stays open, a `resolved` ends it with a message to the channels the open went
 * to, and a `notice` is sent once. Alerts are recorded even when no channel takes them, so
 * `berth alert list` shows what happened that nobody was told about.
 */

export type Decision =
  | { readonly action: 'skip'; readonly reason: 'already-open' | 'not-open' }
  | { readonly action: 'insert'; readonly alert: NewAlert; readonly deliveries: NewDelivery[] }
  | {
      readonly action: 'resolve';
      readonly id: number;
      readonly at: string;
      readonly deliveries: NewDelivery[];
    };

export interface DecideInput {
  readonly event: StreamEvent;
  readonly signal: AlertSignal;
  readonly routes: readonly ChannelRoute[];
  /** The open alert of the signal's key, if any. */
  readonly open: AlertRecord | undefined;
  /** The channels configured now: a resolve skips those removed since the alert opened. */
  readonly configured: ReadonlySet<string>;
  readonly now: Date;
}

const deliveriesTo = (channels: readonly string[], kind: MessageKind, message: AlertMessage, now: number) =>
  channels.map((channel): NewDelivery => ({ channel, kind, payload: message, nextAt: now }));

export function decide(input: DecideInput): Decision {
  const { event, signal, routes, open, configured, now } = input;
  const at = now.toISOString();
  const message = (kind: MessageKind): AlertMessage => ({
    kind,
    key: signal.key,
    severity: signal.severity,
    summary: event.message,
    ...(event.stack !== undefined ? { stack: event.stack } : {}),
    ...(event.service !== undefined ? { service: event.service } : {}),
    event: { id: event.id, kind: event.kind, type: event.type, at: event.at },
    at,
  });
  if (signal.status === 'resolved') {
    if (open === undefined) return { action: 'skip', reason: 'not-open' };
    const resolve: AlertMessage = {
      ...message('resolve'),
      // A resolve is as severe as what it ends, so rules and priorities treat both alike.
      severity: open.severity,
      openedAt: open.openedAt,
      openSummary: open.message,
      resolvedAt: at,
    };
    const channels = open.routes.map((r) => r.channel).filter((c) => configured.has(c));
    return {
      action: 'resolve',
      id: open.id,
      at,
      deliveries: deliveriesTo(channels, 'resolve', resolve, now.getTime()),
    };
  }
  if (signal.status === 'open' && open !== undefined) return { action: 'skip', reason: 'already-open' };
  const kind = signal.status === 'open' ? 'open' : 'notice';
  const alertRoutes: AlertRoute[] = routes.map((r) =>
    signal.status === 'open' && r.remindEveryMs !== undefined
      ? { channel: r.channel, remindEveryMs: r.remindEveryMs, nextRemindAt: now.getTime() + r.remindEveryMs }
      : { channel: r.channel },
  );
  const alert: NewAlert = {
    key: signal.key,
    state: kind === 'open' ? 'open' : 'notice',
    severity: signal.severity,
    kind: event.kind,
    type: event.type,
    ...(event.stack !== undefined ? { stack: event.stack } : {}),
    ...(event.service !== undefined ? { service: event.service } : {}),
    message: event.message,
    eventId: event.id,
    openedAt: at,
    routes: alertRoutes,
  };
  const channels = routes.map((r) => r.channel);
  return { action: 'insert', alert, deliveries: deliveriesTo(channels, kind, message(kind), now.getTime()) };
}

/**
 * The reminders of an open alert due at `now` (ms), on channels still configured; each route's
 * next reminder moves to `now` + its interval (a Berth that was down sends one reminder, not the
 * ones it missed). Undefined when none is due.
 */
export function dueReminders(
  alert: AlertRecord,
  now: number,
  configured: ReadonlySet<string>,
): { routes: AlertRoute[]; deliveries: NewDelivery[] } | undefined {
  const due = alert.routes.filter(
    (r) =>
      r.remindEveryMs !== undefined &&
      r.nextRemindAt !== undefined &&
      r.nextRemindAt <= now &&
      configured.has(r.channel),
  );
  if (due.length === 0) return undefined;
  const routes = alert.routes.map((r) =>
    due.includes(r) && r.remindEveryMs !== undefined ? { ...r, nextRemindAt: now + r.remindEveryMs } : r,
  );
  const message: AlertMessage = {
    kind: 'reminder',
    key: alert.key,
    severity: alert.severity,
    summary: alert.message,
    ...(alert.stack !== undefined ? { stack: alert.stack } : {}),
    ...(alert.service !== undefined ? { service: alert.service } : {}),
    event: {
      ...(alert.eventId !== undefined ? { id: alert.eventId } : {}),
      kind: alert.kind,
      type: alert.type,
      at: alert.openedAt,
    },
    openedAt: alert.openedAt,
    at: new Date(now).toISOString(),
  };
  return {
    routes,
    deliveries: deliveriesTo(
      due.map((r) => r.channel),
      'reminder',
      message,
      now,
    ),
  };
}

/** When the next reminder of these open alerts is due (ms), on channels still configured. */
export function nextReminderAt(
  alerts: readonly AlertRecord[],
  configured: ReadonlySet<string>,
): number | undefined {
  let next: number | undefined;
  for (const alert of alerts) {
    for (const r of alert.routes) {
      if (r.nextRemindAt === undefined || r.remindEveryMs === undefined || !configured.has(r.channel))
        continue;
      next = next === undefined ? r.nextRemindAt : Math.min(next, r.nextRemindAt);
    }
  }
  return next;
}

/** The message of `berth alert test CHANNEL`. */
export function testMessage(channel: string, now: Date): AlertMessage {
  const at = now.toISOString();
  return {
    kind: 'test',
    key: `test:${channel}`,
    severity: 'info',
    summary: `a test of the alert channel ${channel}: if you read this, it works`,
    event: { kind: 'alert', type: 'test', at },
    at,
  };
}
