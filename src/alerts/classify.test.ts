import { describe, expect, it } from 'vitest';
import { healthEvent } from '../../test/support/alerts/fixtures.js';
import { SEVERITIES } from '../api/alert-hint.js';
import { EventKindSchema, type StreamEvent } from '../api/events.js';
import { ALERT_EVENT_KINDS, ALERT_SEVERITIES } from '../config/alert-settings.js';
import { classify } from './classify.js';

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

  it('makes failed backups errors and failed jobs warnings, as notices', () => {
    for (const type of ['failed', 'drill-failed', 'missed', 'restore-rolled-back']) {
      expect(classify(event('backup', type))).toEqual({
        key: `backup:${type}:shop/db`,
        status: 'notice',
        severity: 'error',
      });
    }
    expect(classify(event('job', 'failed', { data: { job: 'cleanup', status: 'timed-out' } }))).toEqual({
      key: 'job:failed:shop/db/cleanup',
      status: 'notice',
      severity: 'warning',
    });
    expect(classify(event('job', 'missed', { stack: undefined, service: undefined }))?.key).toBe(
      'job:missed:-/-',
    );
  });

  it('makes a deploy or restart whose service failed its gate an error notice', () => {
    expect(classify(event('deploy', 'failure', { service: 'web' }))).toEqual({
      key: 'deploy:failure:shop/web',
      status: 'notice',
      severity: 'error',
    });
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
