import { type AlertHint, alertHintOf, type Severity } from '../api/alert-hint.js';
import type { StreamEvent } from '../api/events.js';

/**
 * Which events are alerts. Producers that know (health) say so in `data.alert`; for the others,
 * this table: failures that need someone, as one-off notices. Anything else is not alerted, and
 * `alert` events (a dead letter) never are: an alert about alerting could loop.
 */
export const UNHINTED: Readonly<Record<string, Readonly<Record<string, Severity>>>> = {
  // A backup that failed, a drill that found it unusable, none for twice its period, a restore
  // that had to be rolled back: the data may not be recoverable.
  backup: { failed: 'error', 'drill-failed': 'error', missed: 'error', 'restore-rolled-back': 'error' },
  // `failed` covers timed-out runs (data.status says which), after the job's own retries.
  job: { failed: 'warning', missed: 'warning' },
  // A deploy or a restart whose service failed its gate: rolled back (or left for inspection).
  deploy: { failure: 'error' },
};

export type AlertSignal = AlertHint;

/** The alert an event raises, resolves or notes; undefined when it is not alerted. */
export function classify(event: StreamEvent): AlertSignal | undefined {
  if (event.kind === 'alert') return undefined;
  const hint = alertHintOf(event.data);
  if (hint !== undefined) return hint;
  const severity = UNHINTED[event.kind]?.[event.type];
  if (severity === undefined) return undefined;
  const job = jobOf(event.data);
  const where = `${event.stack ?? '-'}/${event.service ?? '-'}${job === undefined ? '' : `/${job}`}`;
  return { key: `${event.kind}:${event.type}:${where}`, status: 'notice', severity };
}

function jobOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || !('job' in data)) return undefined;
  const job = (data as { job: unknown }).job;
  return typeof job === 'string' ? job : undefined;
}
