import { describe, expect, it } from 'vitest';
import type { ErrorInfo } from '../api/http.js';
import { OperationKindSchema, OperationStatusSchema } from '../api/operations.js';
import { failedLocalOperationEvent, failedOperationAlert } from './failure-alert.js';

const KINDS = OperationKindSchema.options;
const STATUSES = OperationStatusSchema.options;

const pullFailed: ErrorInfo = {
  code: 'DEPLOY_PULL_FAILED',
  message: 'could not pull local/missing:1 for web: no such image',
  hint: 'check the image name and tag, or build it (`build:`)',
};

const WORDS = {
  up: 'the deploy of shop',
  down: 'the removal of shop',
  restart: 'the restart of shop',
  job: 'a job run of shop',
  backup: 'a backup of shop',
  drill: 'a drill of a backup of shop',
  restore: 'a restore into shop',
} as const;

describe('failedOperationAlert', () => {
  it('covers every kind the contract declares', () => {
    expect(Object.keys(WORDS).sort()).toEqual([...KINDS].sort());
  });

  for (const kind of KINDS) {
    for (const status of STATUSES) {
      if (status === 'failed') continue;
      it(`raises nothing for ${kind} that ended ${status}`, () => {
        expect(
          failedOperationAlert({ kind, stack: 'shop', status, error: pullFailed }, false),
        ).toBeUndefined();
      });
    }

    it(`raises nothing for a failed ${kind} an event of which raised an alert`, () => {
      expect(
        failedOperationAlert({ kind, stack: 'shop', status: 'failed', error: pullFailed }, true),
      ).toBeUndefined();
    });
  }

  for (const kind of ['up', 'down', 'restart', 'job', 'drill', 'restore'] as const) {
    it(`raises one error notice for a failed ${kind} none of whose events did`, () => {
      const alert = failedOperationAlert(
        { kind, stack: 'shop', status: 'failed', error: pullFailed, id: 'op_1' },
        false,
      );
      expect(alert).toEqual({
        hint: { key: `operation-failed:shop/${kind}`, status: 'notice', severity: 'error' },
        message: `${WORDS[kind]} (operation op_1) failed: could not pull local/missing:1 for web: no such image [DEPLOY_PULL_FAILED]. Next: check the image name and tag, or build it (\`build:\`)`,
      });
    });
  }

  it('leaves a backup that failed past its checks to its own `failed` event', () => {
    for (const code of ['BACKUP_DUMP_FAILED', 'BACKUP_STORE_FAILED', 'BACKUP_TOOL_MISSING', 'INTERNAL']) {
      const error = { code, message: 'dump failed', hint: 'look' };
      expect(failedOperationAlert({ kind: 'backup', stack: 'shop', status: 'failed', error }, false)).toBe(
        undefined,
      );
    }
  });

  it('alerts a backup refused by its checks, which records and publishes nothing', () => {
    for (const code of [
      'BACKUP_NOT_CONFIGURED',
      'BACKUP_NO_POLICY',
      'BACKUP_KIND_UNKNOWN',
      'BACKUP_RUNNING',
      'BACKUP_STACK_BUSY',
    ]) {
      const error = { code, message: 'refused', hint: 'wait for it' };
      const alert = failedOperationAlert({ kind: 'backup', stack: 'shop', status: 'failed', error }, false);
      expect(alert?.message).toBe(`a backup of shop failed: refused [${code}]. Next: wait for it`);
    }
  });

  it('says an error was not recorded rather than nothing', () => {
    const alert = failedOperationAlert({ kind: 'restart', stack: 'shop', status: 'failed' }, false);
    expect(alert?.message).toBe(
      'the restart of shop failed: no error was recorded [INTERNAL]. Next: see the berth serve log',
    );
  });
});

describe('failedLocalOperationEvent', () => {
  it('is the runner’s `finished` event of a failed operation, without an operation id', () => {
    expect(failedLocalOperationEvent({ kind: 'up', stack: 'shop', error: pullFailed }, false)).toEqual({
      kind: 'operation',
      type: 'finished',
      stack: 'shop',
      message: `the deploy of shop failed: ${pullFailed.message} [DEPLOY_PULL_FAILED]. Next: ${pullFailed.hint}`,
      data: {
        status: 'failed',
        error: pullFailed,
        alert: { key: 'operation-failed:shop/up', status: 'notice', severity: 'error' },
      },
    });
  });

  it('is none when an event of the run raised an alert', () => {
    expect(failedLocalOperationEvent({ kind: 'up', stack: 'shop', error: pullFailed }, true)).toBeUndefined();
  });

  it('is none for what the server refuses before an operation exists, and for a signal', () => {
    for (const code of ['DEPLOY_STACK_NOT_FOUND', 'DEPLOY_SERVICE_NOT_FOUND', 'DEPLOY_INTERRUPTED']) {
      const error = { code, message: 'no', hint: 'fix it' };
      expect(failedLocalOperationEvent({ kind: 'restart', stack: 'shop', error }, false)).toBeUndefined();
    }
  });
});
