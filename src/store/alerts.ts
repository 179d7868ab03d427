import type Database from 'better-sqlite3';
import type { Clock } from '../clock.js';
import {
  type AlertRecord,
  type AlertRoute,
  type DeliveryRecord,
  type NewAlert,
  type NewDelivery,
  toAlert,
  toDelivery,
} from './alert-records.js';
import { isoNow } from './clock.js';
import { guard, StoreError } from './errors.js';
import { toJsonText } from './json.js';

export type {
  AlertRecord,
  AlertRoute,
  AlertState,
  DeliveryKind,
  DeliveryRecord,
  DeliveryStatus,
  NewAlert,
  NewDelivery,
  StoredSeverity,
} from './alert-records.js';

/**
 * Alerts and their deliveries (migration 8). An alert is a condition open by key until resolved, or
 * a one-off notice; a delivery is one message to one channel, pending with the time of its next
 * attempt until it is delivered or given up (dead). Times to compare (`nextAt`, reminders) are
 * epoch milliseconds; times to show are ISO strings.
 */

export interface AlertStore {
  /** The open alert of `key`, if any. */
  openAlert(key: string): AlertRecord | undefined;
  openAlerts(): AlertRecord[];
  /**
   * Records an alert with its deliveries, in one transaction. Undefined (and nothing written) when
   * an alert of the same key is already open: an open that repeats is not sent again.
   */
  insert(alert: NewAlert, deliveries: readonly NewDelivery[]): AlertRecord | undefined;
  /** Resolves an open alert and queues its resolve messages; undefined when it is not open. */
  resolve(id: number, at: string, deliveries: readonly NewDelivery[]): AlertRecord | undefined;
  /** Stores where the reminders of an open alert are and queues the reminders due. */
  remind(id: number, routes: readonly AlertRoute[], deliveries: readonly NewDelivery[]): void;
  /** A delivery of no alert (a test message). */
  addDelivery(alertKey: string, delivery: NewDelivery): DeliveryRecord;
  getDelivery(id: number): DeliveryRecord | undefined;
  /** Pending deliveries of `channel` due at `now` (ms), oldest first. */
  due(channel: string, now: number, limit: number): DeliveryRecord[];
  /** When the next pending delivery of `channel` is due (ms). */
  nextDueAt(channel: string): number | undefined;
  /** Channels with pending deliveries. */
  pendingChannels(): string[];
  delivered(id: number, attempts: number): void;
  /** A failed attempt to be tried again at `nextAt`. */
  retry(id: number, attempts: number, nextAt: number, error: string): void;
  /** Given up: the dead-letter record keeps the last error. */
  dead(id: number, attempts: number, error: string): void;
  /** Gives up test messages a stopped process left pending (tests are never retried); returns how many. */
  abandonTests(error: string): number;
  recentAlerts(limit: number): AlertRecord[];
  recentDeliveries(limit: number): DeliveryRecord[];
  /** Drops settled deliveries and alerts (resolved or notices, nothing pending) created before `before` (ISO). */
  prune(before: string): number;
}

export function createAlertStore(db: Database.Database, clock: Pick<Clock, 'now'>): AlertStore {
  const q = {
    open: db.prepare("SELECT * FROM alerts WHERE key = ? AND state = 'open'"),
    openAll: db.prepare("SELECT * FROM alerts WHERE state = 'open' ORDER BY id"),
    insert: db.prepare(
      `INSERT INTO alerts (key, state, severity, kind, type, stack, service, message, event_id, opened_at,
         routes_json)
       VALUES (@key, @state, @severity, @kind, @type, @stack, @service, @message, @event_id, @opened_at,
         @routes_json)
       ON CONFLICT (key) WHERE state = 'open' DO NOTHING
       RETURNING *`,
    ),
    resolve: db.prepare(
      "UPDATE alerts SET state = 'resolved', resolved_at = ? WHERE id = ? AND state = 'open' RETURNING *",
    ),
    routes: db.prepare("UPDATE alerts SET routes_json = ? WHERE id = ? AND state = 'open' RETURNING key"),
    delivery: db.prepare(
      `INSERT INTO alert_deliveries (channel, alert_id, alert_key, kind, payload_json, status, next_at, created_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING *`,
    ),
    get: db.prepare('SELECT * FROM alert_deliveries WHERE id = ?'),
    due: db.prepare(
      `SELECT * FROM alert_deliveries WHERE status = 'pending' AND channel = ? AND next_at <= ?
       ORDER BY next_at, id LIMIT ?`,
    ),
    nextDue: db.prepare(
      "SELECT MIN(next_at) AS at FROM alert_deliveries WHERE status = 'pending' AND channel = ?",
    ),
    pendingChannels: db.prepare(
      "SELECT DISTINCT channel FROM alert_deliveries WHERE status = 'pending' ORDER BY channel",
    ),
    delivered: db.prepare(
      `UPDATE alert_deliveries SET status = 'delivered', attempts = ?, delivered_at = ?, last_error = NULL
       WHERE id = ? AND status = 'pending' RETURNING alert_id`,
    ),
    sent: db.prepare('UPDATE alerts SET last_sent_at = ? WHERE id = ?'),
    retry: db.prepare(
      `UPDATE alert_deliveries SET attempts = ?, next_at = ?, last_error = ? WHERE id = ? AND status = 'pending'`,
    ),
    dead: db.prepare(
      `UPDATE alert_deliveries SET status = 'dead', attempts = ?, last_error = ? WHERE id = ? AND status = 'pending'`,
    ),
    abandonTests: db.prepare(
      "UPDATE alert_deliveries SET status = 'dead', last_error = ? WHERE status = 'pending' AND kind = 'test'",
    ),
    recentAlerts: db.prepare('SELECT * FROM alerts ORDER BY id DESC LIMIT ?'),
    recentDeliveries: db.prepare('SELECT * FROM alert_deliveries ORDER BY id DESC LIMIT ?'),
    pruneDeliveries: db.prepare(
      "DELETE FROM alert_deliveries WHERE status != 'pending' AND created_at < ? AND alert_id IS NULL",
    ),
    pruneAlerts: db.prepare(
      `DELETE FROM alerts WHERE state != 'open' AND opened_at < ? AND NOT EXISTS (
         SELECT 1 FROM alert_deliveries d WHERE d.alert_id = alerts.id AND d.status = 'pending')`,
    ),
  };
  const enqueue = (alertId: number | null, alertKey: string, deliveries: readonly NewDelivery[]) =>
    deliveries.map((d) =>
      toDelivery(
        q.delivery.get(
          d.channel,
          alertId,
          alertKey,
          d.kind,
          toJsonText(d.payload, 'an alert message'),
          d.nextAt,
          isoNow(clock),
        ),
      ),
    );
  const insert = db.transaction((alert: NewAlert, deliveries: readonly NewDelivery[]) => {
    const row = q.insert.get({
      key: alert.key,
      state: alert.state,
      severity: alert.severity,
      kind: alert.kind,
      type: alert.type,
      stack: alert.stack ?? null,
      service: alert.service ?? null,
      message: alert.message,
      event_id: alert.eventId ?? null,
      opened_at: alert.openedAt,
      routes_json: toJsonText(alert.routes, 'alert routes'),
    });
    if (row === undefined) return undefined;
    const record = toAlert(row);
    enqueue(record.id, record.key, deliveries);
    return record;
  });
  const resolve = db.transaction((id: number, at: string, deliveries: readonly NewDelivery[]) => {
    const row = q.resolve.get(at, id);
    if (row === undefined) return undefined;
    const record = toAlert(row);
    enqueue(record.id, record.key, deliveries);
    return record;
  });
  const remind = db.transaction(
    (id: number, routes: readonly AlertRoute[], deliveries: readonly NewDelivery[]) => {
      const row = q.routes.get(toJsonText(routes, 'alert routes'), id) as { key: string } | undefined;
      // Resolved in the meantime: its reminders are moot.
      if (row !== undefined) enqueue(id, row.key, deliveries);
    },
  );
  const delivered = db.transaction((id: number, attempts: number) => {
    const at = isoNow(clock);
    const row = q.delivered.get(attempts, at, id) as { alert_id: number | null } | undefined;
    if (row?.alert_id != null) q.sent.run(at, row.alert_id);
  });
  const checkCount = (n: number, what: string) => {
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new StoreError(
        'STORE_INVALID_INPUT',
        `invalid ${what} ${n}`,
        'pass a whole number of at least 1',
      );
    }
  };
  return {
    openAlert: (key) => guard(() => q.open.all(key).map(toAlert)[0]),
    openAlerts: () => guard(() => q.openAll.all().map(toAlert)),
    insert: (alert, deliveries) => guard(() => insert(alert, deliveries)),
    resolve: (id, at, deliveries) => guard(() => resolve(id, at, deliveries)),
    remind: (id, routes, deliveries) => guard(() => remind(id, routes, deliveries)),
    addDelivery: (alertKey, delivery) =>
      guard(() => enqueue(null, alertKey, [delivery])[0] as DeliveryRecord),
    getDelivery: (id) => guard(() => q.get.all(id).map(toDelivery)[0]),
    due: (channel, now, limit) => guard(() => q.due.all(channel, now, limit).map(toDelivery)),
    nextDueAt: (channel) =>
      guard(() => (q.nextDue.get(channel) as { at: number | null } | undefined)?.at ?? undefined),
    pendingChannels: () =>
      guard(() => (q.pendingChannels.all() as Array<{ channel: string }>).map((r) => r.channel)),
    delivered: (id, attempts) => guard(() => delivered(id, attempts)),
    retry: (id, attempts, nextAt, error) => guard(() => void q.retry.run(attempts, nextAt, error, id)),
    dead: (id, attempts, error) => guard(() => void q.dead.run(attempts, error, id)),
    abandonTests: (error) => guard(() => q.abandonTests.run(error).changes),
    recentAlerts: (limit) =>
      guard(() => {
        checkCount(limit, 'limit');
        return q.recentAlerts.all(limit).map(toAlert);
      }),
    recentDeliveries: (limit) =>
      guard(() => {
        checkCount(limit, 'limit');
        return q.recentDeliveries.all(limit).map(toDelivery);
      }),
    prune: (before) => guard(() => q.pruneDeliveries.run(before).changes + q.pruneAlerts.run(before).changes),
  };
}
