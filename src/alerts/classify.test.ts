import { describe, expect, it } from 'vitest';
import { healthEvent } from '../../test/support/alerts/fixtures.js';
import { SEVERITIES } from '../api/alert-hint.js';
import { EventKindSchema, type StreamEvent } from '../api/events.js';
import { ALERT_EVENT_KINDS, ALERT_SEVERITIES } from '../config/alert-settings.js';
import { classify, raisesAlert } from './classify.js';

// Which events are alerts: the hint of a producer that knows, the table for those that do not,
// and never an alert about alerting.

const event = (kind: StreamEvent['kind'], type: string, extra: Partial<StreamEvent> = {}): StreamEvent => ({
  id: 1,
  at: '2026-03-01T10:00:00.000Z',
  kind,
  type,
  stack: 'shop',
  service: 'db',
  message: `${kind} ${type}`,
  ...extra,
});

describe('classify', () => {
  it('takes the hint of a health event as it is', () => {
    expect(classify(healthEvent('probe-down'))).toEqual({
      key: 'probe:shop/web/home',
      status: 'open',
      severity: 'critical',
    });
    expect(classify(healthEvent('probe-up'))).toMatchObject({ status: 'resolved' });
    expect(classify(healthEvent('oom-killed'))).toEqual({
      key: 'oom:shop/shop-worker-1',
      status: 'notice',
      severity: 'error',
    });
    expect(classify(healthEvent('probe-flapping'))).toMatchObject({ status: 'notice', severity: 'warning' });
  });

  it('makes failed backups errors and missed jobs warnings, as notices', () => {
    for (const type of ['failed', 'drill-failed', 'missed', 'restore-rolled-back']) {
      expect(classify(event('backup', type))).toEqual({
        key: `backup:${type}:shop/db`,
        status: 'notice',
        severity: 'error',
      });
    }
    expect(classify(event('job', 'missed', { stack: undefined, service: undefined }))).toEqual({
      key: 'job:missed:-/-',
      status: 'notice',
      severity: 'warning',
    });
  });

  it('leaves a failed backup a deploy or restore took to that operation’s alert', () => {
    const failed = (trigger: string) =>
      classify(event('backup', 'failed', { data: { backup: 'B1', trigger } }));
    expect(failed('pre-deploy')).toBeUndefined();
    expect(failed('safety')).toBeUndefined();
    for (const trigger of ['manual', 'schedule']) {
      expect(failed(trigger)).toEqual({ key: 'backup:failed:shop/db', status: 'notice', severity: 'error' });
    }
  });

  it('makes a failing job one alert: its failure opens it, its next success resolves it', () => {
    const run = (type: string, status: string) =>
      classify(event('job', type, { data: { job: 'cleanup', status } }));
    expect(run('failed', 'timed-out')).toEqual({
      key: 'job:shop/db/cleanup',
      status: 'open',
      severity: 'warning',
    });
    expect(run('failed', 'failed')).toEqual({
      key: 'job:shop/db/cleanup',
      status: 'open',
      severity: 'warning',
    });
    expect(run('finished', 'succeeded')).toEqual({
      key: 'job:shop/db/cleanup',
      status: 'resolved',
      severity: 'info',
    });
    // An attempt that failed (retries may follow), one interrupted or skipped: neither opens nor resolves.
    for (const [type, status] of [
      ['finished', 'failed'],
      ['finished', 'interrupted'],
      ['skipped', 'skipped'],
    ]) {
      expect(run(type ?? '', status ?? ''), `${type}/${status}`).toBeUndefined();
    }
  });

  it('alerts a failed deploy on its done event, which knows whether it was rolled back, not on its failure', () => {
    const hint = { key: 'deploy:failure:shop/web', status: 'notice', severity: 'error' };
    expect(
      classify(event('deploy', 'done', { service: 'web', data: { deployment: 12, alert: hint } })),
    ).toEqual(hint);
    // The deployment's failure is told before the rollback runs: its alert waits for the done.
    expect(
      classify(event('deploy', 'failure', { service: 'web', data: { deployment: 12, reason: 'unhealthy' } })),
    ).toBeUndefined();
    // A failure outside a deployment (a container down could not remove) is an error notice.
    expect(classify(event('deploy', 'failure', { service: 'web' }))).toEqual(hint);
    for (const type of ['gate', 'rollback', 'done', 'plan']) {
      expect(classify(event('deploy', type)), type).toBeUndefined();
    }
  });

  it('does not alert on anything else, on an invalid hint, or on an alert event', () => {
    for (const [kind, type] of [
      ['backup', 'completed'],
      ['backup', 'drill-passed'],
      ['job', 'finished'],
      ['job', 'skipped'],
      ['job', 'failed'],
      ['container', 'die'],
      ['deploy', 'failed'],
      ['operation', 'finished'],
    ] as const) {
      expect(classify(event(kind, type)), `${kind}/${type}`).toBeUndefined();
    }
    expect(
      classify(
        event('health', 'probe-down', { data: { alert: { key: '', status: 'open', severity: 'x' } } }),
      ),
    ).toBeUndefined();
    // Even with a valid hint: a dead letter must not become an alert, which could die, and so on.
    expect(
      classify(
        event('alert', 'dead-letter', {
          data: { alert: { key: 'k', status: 'open', severity: 'critical' } },
        }),
      ),
    ).toBeUndefined();
  });

  it('keeps the settings’ copies of the vocabulary (config may not import the contract) in step', () => {
    expect([...ALERT_SEVERITIES]).toEqual([...SEVERITIES]);
    expect([...ALERT_EVENT_KINDS].sort()).toEqual(
      EventKindSchema.options.filter((k) => k !== 'alert').sort(),
    );
  });
});

describe('raisesAlert', () => {
  it('is true of what opens or notes an alert, hinted or not, and false of a resolve or nothing', () => {
    expect(raisesAlert(healthEvent('probe-down'))).toBe(true);
    expect(raisesAlert(event('deploy', 'failure'))).toBe(true);
    expect(raisesAlert(event('job', 'failed', { data: { job: 'sync' } }))).toBe(true);
    expect(raisesAlert(healthEvent('probe-up'))).toBe(false);
    expect(raisesAlert(event('job', 'finished', { data: { job: 'sync', status: 'succeeded' } }))).toBe(false);
    expect(raisesAlert(event('deploy', 'container'))).toBe(false);
  });
});
