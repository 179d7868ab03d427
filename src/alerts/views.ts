import type { AlertChannelView, AlertView, DeliveryView } from '../api/alerts.js';
import type { AlertChannel } from '../config/alert-resolve.js';
import type { AlertRecord, DeliveryRecord } from '../store/index.js';
import { AlertMessageSchema } from './message.js';
import { renderTitle } from './render.js';

/** What the API shows of alerts, deliveries and channels. Pure; no credential ever reaches here. */

const hostOf = (url: string | { file: string }): string => {
  if (typeof url !== 'string') return 'URL read from a file';
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
};

/**
 * Where a channel goes, in words that hold no credential: hosts (a webhook URL's path may be its
 * token), recipients, a Matrix room id. An ntfy topic is left out: on a public server, knowing it
 * is enough to read the alerts.
 */
export function channelView(c: AlertChannel): AlertChannelView {
  const target = (() => {
    switch (c.type) {
      case 'webhook':
      case 'slack':
      case 'discord':
        return hostOf(c.url);
      case 'smtp':
        return `${c.host}:${c.port} → ${c.to.join(', ')}`;
      case 'ntfy':
        return hostOf(c.url);
      case 'matrix':
        return `${hostOf(c.homeserver)} ${c.room}`;
    }
  })();
  return { name: c.name, type: c.type, target, timeoutMs: c.timeoutMs };
}

export function alertView(a: AlertRecord): AlertView {
  return {
    id: a.id,
    key: a.key,
    state: a.state,
    severity: a.severity,
    kind: a.kind,
    type: a.type,
    ...(a.stack !== undefined ? { stack: a.stack } : {}),
    ...(a.service !== undefined ? { service: a.service } : {}),
    message: a.message,
    openedAt: a.openedAt,
    ...(a.resolvedAt !== undefined ? { resolvedAt: a.resolvedAt } : {}),
    ...(a.lastSentAt !== undefined ? { lastSentAt: a.lastSentAt } : {}),
    channels: a.routes.map((r) => r.channel),
  };
}

export function deliveryView(d: DeliveryRecord): DeliveryView {
  const message = AlertMessageSchema.safeParse(d.payload);
  return {
    id: d.id,
    channel: d.channel,
    alertKey: d.alertKey,
    kind: d.kind,
    status: d.status,
    title: message.success ? renderTitle(message.data) : '(unreadable message)',
    ...(message.success && message.data.stack !== undefined ? { stack: message.data.stack } : {}),
    attempts: d.attempts,
    // Tests are parked at the end of time while they run: no "next attempt" to show.
    ...(d.status === 'pending' && d.nextAt < Number.MAX_SAFE_INTEGER
      ? { nextAt: new Date(d.nextAt).toISOString() }
      : {}),
    ...(d.lastError !== undefined ? { lastError: d.lastError } : {}),
    createdAt: d.createdAt,
    ...(d.deliveredAt !== undefined ? { deliveredAt: d.deliveredAt } : {}),
  };
}
