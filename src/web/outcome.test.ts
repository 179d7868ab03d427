import { describe, expect, it } from 'vitest';
import { outcomeOf } from '../api/operation-outcome.js';
import { operationTitle } from './views/operation.js';

// How a job, backup or drill operation reads: the operation succeeds when it ran to its end, and
// its result says whether the run (or the drill) worked.

const run = (status: string, reason?: string) => ({
  id: 1,
  stack: 'alpha',
  service: 'worker',
  job: 'cleanup',
  trigger: 'manual',
  status,
  attempt: 1,
  startedAt: '2026-06-10T10:00:00.000Z',
  ...(reason ? { reason } : {}),
});

const backup = (drill: { status: string; reason?: string }) => ({
  id: '20260609T030000Z-00aa',
  stack: 'alpha',
  service: 'db',
  kind: 'mariadb',
  store: 'local',
  trigger: 'manual',
  status: 'completed',
  startedAt: '2026-06-09T03:00:00.000Z',
  drill,
});

describe('outcomeOf a task operation', () => {
  it('says a job run failed (or timed out) with its reason, though the operation succeeded', () => {
    expect(outcomeOf({ kind: 'job', status: 'succeeded', result: run('succeeded') })).toEqual({
      value: 'succeeded',
      text: 'succeeded — worker/cleanup ran',
    });
    expect(outcomeOf({ kind: 'job', status: 'succeeded', result: run('failed', 'exit code 2') })).toEqual({
      value: 'failed',
      text: 'failed: exit code 2',
    });
    expect(outcomeOf({ kind: 'job', status: 'succeeded', result: run('timed-out', 'after 30s') })).toEqual({
      value: 'failed',
      text: 'failed (timed-out): after 30s',
    });
    // A run a shutdown ended did not fail: it was interrupted.
    expect(
      outcomeOf({
        kind: 'job',
        status: 'succeeded',
        result: run('interrupted', 'Berth stopped during the run'),
      }),
    ).toEqual({ value: 'interrupted', text: 'interrupted: Berth stopped during the run' });
  });

  it('says whether a drill passed, and what a backup’s own drill said', () => {
    const failed = backup({ status: 'failed', reason: 'shop.items: 2 rows, the manifest says 3' });
    expect(outcomeOf({ kind: 'drill', status: 'succeeded', result: failed })).toEqual({
      value: 'failed',
      text: 'failed: the drill of 20260609T030000Z-00aa did not pass: shop.items: 2 rows, the manifest says 3',
    });
    expect(
      outcomeOf({ kind: 'drill', status: 'succeeded', result: backup({ status: 'passed' }) }).value,
    ).toBe('succeeded');
    expect(outcomeOf({ kind: 'backup', status: 'succeeded', result: failed }).text).toBe(
      'succeeded — backup 20260609T030000Z-00aa taken; its drill failed: shop.items: 2 rows, the manifest says 3',
    );
    expect(outcomeOf({ kind: 'backup', status: 'succeeded', result: backup({ status: 'none' }) }).text).toBe(
      'succeeded — backup 20260609T030000Z-00aa taken',
    );
  });

  it('keeps the operation’s own failure, and a result it cannot read says only succeeded', () => {
    const error = { code: 'BACKUP_DUMP_FAILED', message: 'no engine', hint: 'start one' };
    expect(outcomeOf({ kind: 'backup', status: 'failed', error })).toEqual({
      value: 'failed',
      text: 'failed: no engine',
    });
    expect(outcomeOf({ kind: 'job', status: 'succeeded', result: { odd: true } })).toEqual({
      value: 'succeeded',
      text: 'succeeded',
    });
  });
});

describe('operationTitle', () => {
  it('names each kind in words', () => {
    expect(operationTitle({ kind: 'up', stack: 'shop' })).toBe('Deploy of shop');
    expect(operationTitle({ kind: 'job', stack: 'shop' })).toBe('Job run on shop');
    expect(operationTitle({ kind: 'backup', stack: 'shop' })).toBe('Backup of shop');
    expect(operationTitle({ kind: 'drill', stack: 'shop' })).toBe('Restore drill of a shop backup');
    expect(operationTitle({ kind: 'restore', stack: 'shop' })).toBe('Restore into shop');
  });
});
