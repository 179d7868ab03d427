import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorCodeOf, type FakeClock, fakeClock } from '../../test/support/store.js';
import { createJobRunStore, type JobRunStore } from './job-runs.js';
import { createJobBudgetStore, createJobStateStore } from './job-state.js';
import { migrate } from './migrations.js';

const KEY = { stack: 'force1', service: 'web', job: 'send' };

let db: Database.Database;
let clock: FakeClock;
let runs: JobRunStore;

beforeEach(() => {
  db = new Database(':memory:');
  clock = fakeClock('2026-06-10T10:00:00.000Z');
  migrate(db, clock);
  runs = createJobRunStore(db, clock, 3);
});
afterEach(() => db.close());

describe('job runs', () => {
  it('records a run from start to end, with its duration, output and budget use', () => {
    const started = runs.start({
      ...KEY,
      trigger: 'schedule',
      attempt: 1,
      scheduledAt: new Date('2026-06-10T09:59:59Z'),
    });
    expect(started).toMatchObject({
      status: 'running',
      trigger: 'schedule',
      scheduledAt: '2026-06-10T09:59:59.000Z',
    });
    clock.advance(1500);
    const done = runs.finish(started.id, {
      status: 'succeeded',
      exitCode: 0,
      output: 'sent 12\n',
      budgetConsumed: 12,
    });
    expect(done).toMatchObject({
      status: 'succeeded',
      exitCode: 0,
      durationMs: 1500,
      output: 'sent 12\n',
      budgetConsumed: 12,
    });
    expect(errorCodeOf(() => runs.finish(started.id, { status: 'failed' }))).toBe('STORE_INVALID_STATE');
    expect(errorCodeOf(() => runs.finish(999, { status: 'failed' }))).toBe('STORE_NOT_FOUND');
  });

  it('records skipped and missed slots as ended, and leaves them out of `latest`', () => {
    const ran = runs.start({ ...KEY, trigger: 'manual', attempt: 1 });
    runs.finish(ran.id, { status: 'failed', exitCode: 1 });
    const missed = runs.record({
      ...KEY,
      trigger: 'schedule',
      attempt: 1,
      status: 'missed',
      reason: '12 runs due while Berth was not running',
      missed: { count: 12, more: false, first: '2026-06-10T08:05:00.000Z', last: '2026-06-10T09:00:00.000Z' },
    });
    expect(missed).toMatchObject({
      status: 'missed',
      finishedAt: '2026-06-10T10:00:00.000Z',
      missed: { count: 12 },
    });
    expect(runs.latest(KEY)?.id).toBe(ran.id);
  });

  it('pages newest first, and records runs a stopped process left running as interrupted', () => {
    const ids = [1, 2, 3].map(() => runs.start({ ...KEY, trigger: 'schedule', attempt: 1 }).id);
    const first = runs.list(KEY, { limit: 2 });
    expect(first.items.map((r) => r.id)).toEqual([ids[2], ids[1]]);
    expect(runs.list(KEY, { limit: 2, before: first.nextBefore }).items.map((r) => r.id)).toEqual([ids[0]]);
    expect(runs.interruptRunning('gone').map((r) => r.status)).toEqual([
      'interrupted',
      'interrupted',
      'interrupted',
    ]);
  });

  it('keeps only the newest runs of each job', () => {
    for (let i = 0; i < 50; i++)
      runs.record({ ...KEY, trigger: 'schedule', attempt: 1, status: 'skipped', reason: `#${i}` });
    runs.record({
      ...{ ...KEY, job: 'other' },
      trigger: 'schedule',
      attempt: 1,
      status: 'skipped',
      reason: 'kept',
    });
    // The 50th record pruned the job down to its newest two before adding itself: three in all.
    expect(runs.list(KEY, { limit: 100 }).items.map((r) => r.reason)).toEqual(['#49', '#48', '#47']);
    expect(runs.list({ ...KEY, job: 'other' }, { limit: 10 }).items).toHaveLength(1);
  });
});

describe('job state and budget', () => {
  it('keeps where the scheduler is, apart from the success and overdue marks', () => {
    const state = createJobStateStore(db);
    state.schedule(KEY, {
      schedule: 'every 5m',
      anchorAt: new Date('2026-06-10T00:00:00Z'),
      nextAt: new Date('2026-06-10T10:05:00Z'),
    });
    state.overdue(KEY, new Date('2026-06-10T10:01:00Z'));
    state.schedule(KEY, {
      schedule: 'every 5m',
      anchorAt: new Date('2026-06-10T00:00:00Z'),
      nextAt: new Date('2026-06-10T10:10:00Z'),
    });
    expect(state.get(KEY)).toMatchObject({
      nextAt: new Date('2026-06-10T10:10:00Z'),
      overdueSince: new Date('2026-06-10T10:01:00Z'),
    });
    state.succeeded(KEY, new Date('2026-06-10T10:10:02Z'));
    expect(state.get(KEY)).toMatchObject({ lastSuccessAt: new Date('2026-06-10T10:10:02Z') });
    expect(state.get(KEY)?.overdueSince).toBeUndefined();
    expect(state.get({ ...KEY, job: 'none' })).toBeUndefined();
  });

  it('adds up a period’s consumption in a ledger of its own per period', () => {
    const budget = createJobBudgetStore(db);
    const day = new Date('2026-06-09T22:00:00Z');
    expect(budget.consumed(KEY, day)).toBe(0);
    expect(budget.add(KEY, day, 2000)).toBe(2000);
    expect(budget.add(KEY, day, 1800)).toBe(3800);
    expect(budget.consumed(KEY, new Date('2026-06-10T22:00:00Z'))).toBe(0);
  });
});
