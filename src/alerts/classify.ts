import { type AlertHint, alertHintOf, type Severity } from '../api/alert-hint.js';
import type { StreamEvent } from '../api/events.js';

/**
 * Which events are alerts. Producers that know (health) say so in `data.alert`; for the others,
 * this table: failures that need someone, as one-off notices. Anything else is not alerted, and
 * `alert` events (a dead letter) never are: an alert about alerting could loop.
 */
export const UNHINTED: Readonly<Record<string, Readonly<Record<string, Severity>>>> = {
  // A backup that failed, a drill that found it unusable, none for twice its period, a restore
  // that had to be rolled back: the data may not be recoverable. (A backup a deploy or restore took
  // that failed is told by that operation's failure: toldByItsOperation.)
  backup: { failed: 'error', 'drill-failed': 'error', missed: 'error', 'restore-rolled-back': 'error' },
  // `missed`: no success for twice the period. A `failed` run (timed out too, after the job's own
  // retries) is not in this table: it opens an alert that its next success resolves (jobSignal).
  job: { missed: 'warning' },
  // A `failure` outside a deployment (a container `down` could not remove). A deployment's own
  // failure is alerted by its `done` event, which carries a hint once the rollback's outcome is known.
  deploy: { failure: 'error' },
};

export type AlertSignal = AlertHint;

/** The alert an event raises, resolves or notes; undefined when it is not alerted. */
export function classify(event: StreamEvent): AlertSignal | undefined {
  if (event.kind === 'alert') return undefined;
  const hint = alertHintOf(event.data);
  if (hint !== undefined) return hint;
  if (event.kind === 'job') {
    const episode = jobSignal(event);
    if (episode !== undefined) return episode;
  }
  if (toldByDone(event) || toldByItsOperation(event)) return undefined;
  const severity = UNHINTED[event.kind]?.[event.type];
  if (severity === undefined) return undefined;
  const job = jobOf(event.data);
  const where = `${event.stack ?? '-'}/${event.service ?? '-'}${job === undefined ? '' : `/${job}`}`;
  return { key: `${event.kind}:${event.type}:${where}`, status: 'notice', severity };
}

/** Whether the event opens an alert or notes one (a resolve does neither): a failure told already. */
export function raisesAlert(event: StreamEvent): boolean {
  const signal = classify(event);
  return signal !== undefined && signal.status !== 'resolved';
}

/**
 * A job that keeps failing is one alert, not one per run: its first failure opens it (a warning),
 * its next successful run resolves it, and the failures between are repeats of the open alert.
 */
function jobSignal(event: StreamEvent): AlertSignal | undefined {
  const job = jobOf(event.data);
  if (job === undefined) return undefined;
  const key = `job:${event.stack ?? '-'}/${event.service ?? '-'}/${job}`;
  if (event.type === 'failed') return { key, status: 'open', severity: 'warning' };
  const status = (event.data as { status?: unknown }).status;
  if (event.type === 'finished' && status === 'succeeded')
    return { key, status: 'resolved', severity: 'info' };
  return undefined;
}

/** A deployment's `failure`: its alert comes with the deployment's `done`, saying how it ended. */
function toldByDone(event: StreamEvent): boolean {
  const data = event.data;
  return (
    event.kind === 'deploy' &&
    event.type === 'failure' &&
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { deployment?: unknown }).deployment === 'number'
  );
}

/**
 * A backup taken by a deploy (`pre-deploy`) or a restore (`safety`) that failed: the deploy or restore
 * fails with it, and that operation's alert says so (and that nothing was deployed or restored).
 */
function toldByItsOperation(event: StreamEvent): boolean {
  if (event.kind !== 'backup' || event.type !== 'failed') return false;
  const trigger = (event.data as { trigger?: unknown } | undefined)?.trigger;
  return trigger === 'pre-deploy' || trigger === 'safety';
}

function jobOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || !('job' in data)) return undefined;
  const job = (data as { job: unknown }).job;
  return typeof job === 'string' ? job : undefined;
}
