import { describe, expect, it } from 'vitest';
import { verdict } from './verdict.js';

const ran = (exitCode: number) => ({ exitCode, timedOut: false, interrupted: false });

describe('verdict', () => {
  it.each([
    [ran(0), '', undefined, 'succeeded', undefined],
    [ran(3), '', undefined, 'failed', 'exit code 3'],
    [{ timedOut: true, interrupted: false }, '', undefined, 'timed-out', 'no exit within 90 s: stopped'],
    [{ timedOut: false, interrupted: true }, '', undefined, 'interrupted', 'Berth stopped during the run'],
    [
      { timedOut: false, interrupted: false, error: 'no running container' },
      '',
      undefined,
      'failed',
      'no running container',
    ],
    [ran(0), 'ok\n', 'ok', 'succeeded', undefined],
    [
      ran(0),
      '*** in database main ***\nPage 5: btreeInitPage() returns error code 11\n',
      'ok',
      'failed',
      'the output is not `ok`: *** in database main ***\nPage 5: btreeInitPage() returns error code 11',
    ],
  ])('%j with %j (expect %s) → %s', (result, stdout, expect_, status, reason) => {
    const v = verdict(result, stdout, { ...(expect_ ? { expect: expect_ } : {}), timeoutMs: 90_000 });
    expect(v).toEqual({ status, ...(reason ? { reason } : {}) });
  });
});
