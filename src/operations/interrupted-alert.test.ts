import { describe, expect, it } from 'vitest';
import { classify } from '../alerts/classify.js';
import { alertHintOf } from '../api/alert-hint.js';
import type { StreamEvent } from '../api/events.js';
import { interruptedError } from './interrupted.js';
import { interruptedAlertEvent } from './interrupted-alert.js';

// The alert of an operation a dead process left: which one, what the recovery at start did, and
// what to do next (its record's hint).

const restore = {
  id: 'op-7',
  kind: 'restore' as const,
  stack: 'shop',
  error: interruptedError('restore', 'shop', { stack: 'shop', service: 'db', safety: 'S1', writing: true }),
};

const asStream = (input: ReturnType<typeof interruptedAlertEvent>): StreamEvent => ({
  ...input,
  data: input.data as StreamEvent['data'],
  id: 1,
  at: '2026-12-07T22:00:00.000Z',
  kind: 'operation',
});

describe('interruptedAlertEvent', () => {
  it('says which restore was interrupted, what recovery did, and the hint naming its safety backup', () => {
    const event = interruptedAlertEvent(
      restore,
      'recovered from interrupted restore op-7 of backup B into shop/db: started shop-web-1 again',
    );
    expect(event).toMatchObject({ kind: 'operation', type: 'interrupted', stack: 'shop', operation: 'op-7' });
    expect(event.message).toContain('restore op-7 of shop was interrupted: berth serve stopped');
    expect(event.message).toContain('its safety backup is S1');
    expect(event.message).toContain('At start, Berth recovered from interrupted restore op-7');
    expect(event.message).toContain('started shop-web-1 again');
    expect(event.message).toContain('Next: `berth backup restore shop S1` puts back the data');
  });

  it('says which --local process stopped, and that the command on the stack recovered it', () => {
    const local = {
      ...restore,
      error: interruptedError(
        'restore',
        'shop',
        { stack: 'shop', service: 'db', safety: 'S1', writing: false },
        'the berth --local process (pid 42 on box)',
      ),
    };
    const event = interruptedAlertEvent(
      local,
      'started shop-web-1 again',
      'Before a berth --local command on shop',
    );
    expect(event.message).toContain(
      'was interrupted: the berth --local process (pid 42 on box) stopped before the operation finished',
    );
    expect(event.message).toContain('Before a berth --local command on shop, Berth started shop-web-1 again');
    expect(event.message).not.toContain('At start');
  });

  it('is an alert keyed by the stack: an error for a restore or deploy, a warning for a job', () => {
    expect(classify(asStream(interruptedAlertEvent(restore, undefined)))).toEqual({
      key: 'operation-interrupted:shop',
      status: 'notice',
      severity: 'error',
    });
    const job = { id: 'op-8', kind: 'job' as const, stack: 'shop', error: interruptedError('job', 'shop') };
    expect(alertHintOf(interruptedAlertEvent(job, undefined).data)?.severity).toBe('warning');
    const up = { id: 'op-9', kind: 'up' as const, stack: 'shop' };
    expect(alertHintOf(interruptedAlertEvent(up, undefined).data)?.severity).toBe('error');
  });

  it('says when there was nothing to put back, and falls back on the kind’s hint without a recorded error', () => {
    const event = interruptedAlertEvent({ id: 'op-9', kind: 'up', stack: 'shop' }, undefined);
    expect(event.message).toContain('At start, Berth had nothing to put back.');
    expect(event.message).toContain('Next: run it again: `berth up shop` converges');
  });
});
