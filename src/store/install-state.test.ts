import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorCodeOf, type FakeClock, fakeClock, makeTempDir } from '../../test/support/store.js';
import { openStore, type Store } from './db.js';

let temp: ReturnType<typeof makeTempDir>;
let clock: FakeClock;
let store: Store;

const open = () => openStore({ path: join(temp.dir, 'state.db'), clock, isAlive: () => true });

beforeEach(() => {
  temp = makeTempDir();
  clock = fakeClock('2025-04-04T04:00:00.000Z');
  store = open();
});

afterEach(() => {
  store.close();
  temp.cleanup();
});

describe('install state', () => {
  it('goes from nothing to pending to completed, and survives a reopen', () => {
    expect(store.installState.get('crm', 'mautic')).toBeUndefined();
    expect(store.installState.start('crm', 'mautic', 'file:/var/www/installed')).toEqual({
      status: 'pending',
      startedAt: '2025-04-04T04:00:00.000Z',
      completedAt: undefined,
      condition: 'file:/var/www/installed',
    });
    clock.advance(120_000);
    const done = store.installState.complete('crm', 'mautic');
    expect(done).toEqual({
      status: 'completed',
      startedAt: '2025-04-04T04:00:00.000Z',
      completedAt: '2025-04-04T04:02:00.000Z',
      condition: 'file:/var/www/installed',
    });
    store.close();
    store = open();
    expect(store.installState.get('crm', 'mautic')).toEqual(done);
  });

  it('restarts a pending phase left by a crashed run', () => {
    store.installState.start('crm', 'mautic', 'old condition');
    clock.advance(1000);
    expect(store.installState.start('crm', 'mautic', 'new condition')).toMatchObject({
      status: 'pending',
      startedAt: '2025-04-04T04:00:01.000Z',
      condition: 'new condition',
    });
  });

  it('never starts or completes a completed phase again', () => {
    store.installState.start('crm', 'mautic', 'c');
    const done = store.installState.complete('crm', 'mautic');
    clock.advance(1000);
    expect(errorCodeOf(() => store.installState.start('crm', 'mautic', 'c'))).toBe('STORE_INVALID_STATE');
    expect(errorCodeOf(() => store.installState.complete('crm', 'mautic'))).toBe('STORE_INVALID_STATE');
    expect(store.installState.get('crm', 'mautic')).toEqual(done);
  });

  it('completes only a started phase', () => {
    expect(errorCodeOf(() => store.installState.complete('crm', 'mautic'))).toBe('STORE_NOT_FOUND');
  });

  it('forgets a phase on explicit reset so it can run again', () => {
    store.installState.start('crm', 'mautic', 'c');
    store.installState.complete('crm', 'mautic');
    expect(store.installState.reset('crm', 'mautic')).toBe(true);
    expect(store.installState.get('crm', 'mautic')).toBeUndefined();
    expect(store.installState.reset('crm', 'mautic')).toBe(false);
    expect(store.installState.start('crm', 'mautic', 'c').status).toBe('pending');
  });

  it('keeps stacks and services apart', () => {
    store.installState.start('crm', 'mautic', 'a');
    store.installState.start('crm', 'db', 'b');
    store.installState.start('shop', 'mautic', 'c');
    store.installState.complete('crm', 'db');
    expect(store.installState.list('crm').map((r) => [r.service, r.status, r.condition])).toEqual([
      ['db', 'completed', 'b'],
      ['mautic', 'pending', 'a'],
    ]);
    expect(store.installState.get('shop', 'mautic')?.status).toBe('pending');
  });
});
