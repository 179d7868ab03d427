import { describe, expect, it } from 'vitest';
import type { OperationRecord } from '../api/operations.js';
import { deployCount } from './operations.js';

const op = (over: Partial<OperationRecord>): OperationRecord => ({
  id: 'op-1',
  stack: 'shop',
  kind: 'up',
  actor: 'ops',
  requestId: 'r-1',
  status: 'succeeded',
  startedAt: '2026-06-10T10:00:00.000Z',
  ...over,
});

const error = { code: 'DEPLOY_INVALID_STACK', message: 'x-berth: unknown key', hint: 'h' };

describe('deployCount', () => {
  it('counts a failed up that recorded no deployment as refused, by its code', () => {
    expect(deployCount(op({ status: 'failed', error }), false)).toEqual({ refused: 'DEPLOY_INVALID_STACK' });
  });

  it('counts a failed up that recorded a deployment as failed', () => {
    const pull = { ...error, code: 'DEPLOY_PULL_FAILED' };
    expect(deployCount(op({ status: 'failed', error: pull }), true)).toEqual({ outcome: 'failed' });
  });

  it('counts finished deploys by the outcome they report', () => {
    expect(deployCount(op({ result: { outcome: 'rolled-back' } }), true)).toEqual({ outcome: 'rolled-back' });
    expect(deployCount(op({ result: { outcome: 'unchanged' } }), false)).toEqual({ outcome: 'unchanged' });
    expect(deployCount(op({ status: 'interrupted', error }), true)).toEqual({ outcome: 'interrupted' });
  });
});
