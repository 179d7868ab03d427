import { z } from 'zod';
import { fromJsonText, type JsonValue, parseRow } from './json.js';

// The records of migration 8 (alerts and their deliveries) and how a row becomes one.

export type AlertState = 'open' | 'resolved' | 'notice';
export type StoredSeverity = 'critical' | 'error' | 'warning' | 'info';
export type DeliveryKind = 'open' | 'reminder' | 'resolve' | 'notice' | 'test';
export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

/** A channel an alert went to, and its reminders (absent: none). */
export interface AlertRoute {
  readonly channel: string;
  readonly remindEveryMs?: number;
  readonly nextRemindAt?: number;
}

export interface AlertRecord {
  readonly id: number;
  readonly key: string;
  readonly state: AlertState;
  readonly severity: StoredSeverity;
  /** The event's kind and type (`health`, `probe-down`). */
  readonly kind: string;
  readonly type: string;
  readonly stack?: string;
  readonly service?: string;
  readonly message: string;
  readonly eventId?: number;
  readonly openedAt: string;
  /** When a message about it last reached a channel. */
  readonly lastSentAt?: string;
  readonly resolvedAt?: string;
  readonly routes: readonly AlertRoute[];
}

export type NewAlert = Omit<AlertRecord, 'id' | 'lastSentAt' | 'resolvedAt' | 'state'> & {
  readonly state: 'open' | 'notice';
};

export interface NewDelivery {
  readonly channel: string;
  readonly kind: DeliveryKind;
  readonly payload: JsonValue;
  readonly nextAt: number;
}

export interface DeliveryRecord extends NewDelivery {
  readonly id: number;
  readonly alertId?: number;
  readonly alertKey: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly lastError?: string;
  readonly createdAt: string;
  readonly deliveredAt?: string;
}

const RouteList = z.array(
  z.object({
    channel: z.string(),
    remindEveryMs: z.number().optional(),
    nextRemindAt: z.number().optional(),
  }),
);

const AlertRow = z.object({
  id: z.number(),
  key: z.string(),
  state: z.enum(['open', 'resolved', 'notice']),
  severity: z.enum(['critical', 'error', 'warning', 'info']),
  kind: z.string(),
  type: z.string(),
  stack: z.string().nullable(),
  service: z.string().nullable(),
  message: z.string(),
  event_id: z.number().nullable(),
  opened_at: z.string(),
  last_sent_at: z.string().nullable(),
  resolved_at: z.string().nullable(),
  routes_json: z.string(),
});

const DeliveryRow = z.object({
  id: z.number(),
  channel: z.string(),
  alert_id: z.number().nullable(),
  alert_key: z.string(),
  kind: z.enum(['open', 'reminder', 'resolve', 'notice', 'test']),
  payload_json: z.string(),
  status: z.enum(['pending', 'delivered', 'dead']),
  attempts: z.number(),
  next_at: z.number(),
  last_error: z.string().nullable(),
  created_at: z.string(),
  delivered_at: z.string().nullable(),
});

const opt = <K extends string, V>(key: K, value: V | null): { [P in K]?: V } =>
  (value === null ? {} : { [key]: value }) as { [P in K]?: V };

export function toAlert(row: unknown): AlertRecord {
  const r = parseRow(row, AlertRow, 'alert');
  return {
    id: r.id,
    key: r.key,
    state: r.state,
    severity: r.severity,
    kind: r.kind,
    type: r.type,
    ...opt('stack', r.stack),
    ...opt('service', r.service),
    message: r.message,
    ...opt('eventId', r.event_id),
    openedAt: r.opened_at,
    ...opt('lastSentAt', r.last_sent_at),
    ...opt('resolvedAt', r.resolved_at),
    routes: fromJsonText(r.routes_json, RouteList, 'alert routes'),
  };
}

export function toDelivery(row: unknown): DeliveryRecord {
  const r = parseRow(row, DeliveryRow, 'alert delivery');
  return {
    id: r.id,
    channel: r.channel,
    ...opt('alertId', r.alert_id),
    alertKey: r.alert_key,
    kind: r.kind,
    payload: fromJsonText(r.payload_json, z.json(), 'alert delivery payload'),
    status: r.status,
    attempts: r.attempts,
    nextAt: r.next_at,
    ...opt('lastError', r.last_error),
    createdAt: r.created_at,
    ...opt('deliveredAt', r.delivered_at),
  };
}
