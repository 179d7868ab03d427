import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorCodeOf, type FakeClock, fakeClock } from '../../test/support/store.js';
import { migrate } from './migrations.js';
import { createOperationStore, type OperationStore } from './operation-records.js';

let db: Database.Database;
let clock: FakeClock;
let ops: OperationStore;
beforeEach(() => {
  db = new Database(':memory:');
  clock = fakeClock();
  migrate(db, clock);
  ops = createOperationStore(db, clock);
});
afterEach(() => db.close());

const start = (id: string, stack = 'web') =>
  ops.start({ id, stack, kind: 'up', actor: 'alice', requestId: `req-${id}` });

describe('operations', () => {
  it('starts running, finishes once with its result, and reads back', () => {
    const op = start('op1');
    expect(op).toEqual({
      id: 'op1',
      stack: 'web',
      kind: 'up',
      actor: 'alice',
      requestId: 'req-op1',
      status: 'running',
      startedAt: '2025-01-01T00:00:00.000Z',
    });
    expect(ops.running().map((o) => o.id)).toEqual(['op1']);
    clock.advance(5000);
    const done = ops.finish('op1', {
      status: 'succeeded',
      result: { outcome: 'succeeded', changed: ['api'] },
    });
    expect(done).toMatchObject({
      status: 'succeeded',
      finishedAt: '2025-01-01T00:00:05.000Z',
      result: { outcome: 'succeeded', changed: ['api'] },
    });
    expect(ops.get('op1')).toEqual(done);
    expect(ops.running()).toEqual([]);
    expect(errorCodeOf(() => ops.finish('op1', { status: 'failed' }))).toBe('STORE_INVALID_STATE');
    expect(ops.get('op1')?.status).toBe('succeeded');
  });

  it('keeps the error of a failed operation', () => {
    start('op2');
    const error = { code: 'DEPLOY_IN_PROGRESS', message: 'deployment 3 in progress', hint: 'wait' };
    expect(ops.finish('op2', { status: 'failed', error }).error).toEqual(error);
  });

  it('answers undefined for an unknown id and refuses to finish it', () => {
    expect(ops.get('nope')).toBeUndefined();
    expect(errorCodeOf(() => ops.finish('nope', { status: 'interrupted' }))).toBe('STORE_NOT_FOUND');
  });

  it('refuses a second operation with the same id', () => {
    start('op3');
    expect(errorCodeOf(() => start('op3'))).toBeDefined();
    expect(ops.running()).toHaveLength(1);
  });
});

describe('a stack’s operations', () => {
  it('are listed newest first, up to the limit, for that stack only', () => {
    start('a1');
    start('b1', 'other');
    start('a2');
    start('a3');
    expect(ops.list('web', 10).map((o) => o.id)).toEqual(['a3', 'a2', 'a1']);
    expect(ops.list('web', 2).map((o) => o.id)).toEqual(['a3', 'a2']);
    expect(ops.list('other', 10).map((o) => o.id)).toEqual(['b1']);
    expect(ops.list('none', 10)).toEqual([]);
  });
});
