import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorCodeOf, fakeClock } from '../../test/support/store.js';
import { createEventStore, type EventStore } from './events.js';
import { migrate } from './migrations.js';

let db: Database.Database;
let store: { events: EventStore };
beforeEach(() => {
  db = new Database(':memory:');
  migrate(db, fakeClock());
  store = { events: createEventStore(db, fakeClock()) };
});
afterEach(() => db.close());

describe('event log', () => {
  it('appends with increasing ids and reads back what was given', () => {
    expect(store.events.latestId()).toBe(0);
    expect(store.events.oldestId()).toBe(0);
    const a = store.events.append({
      kind: 'operation',
      type: 'started',
      stack: 'web',
      operation: 'op1',
      message: 'up web',
    });
    const b = store.events.append({
      kind: 'deploy',
      type: 'gate',
      stack: 'web',
      service: 'api',
      operation: 'op1',
      message: 'api healthy',
      data: { ms: 1200 },
    });
    const c = store.events.append({ kind: 'container', type: 'die', stack: 'db', message: 'db-1 exited 1' });
    expect([a.id < b.id, b.id < c.id]).toEqual([true, true]);
    expect(store.events.after({ after: 0, limit: 10 })).toEqual([a, b, c]);
    expect(b).toMatchObject({ service: 'api', data: { ms: 1200 } });
    expect(c).not.toHaveProperty('operation');
    expect(store.events.after({ after: a.id, limit: 10 }).map((e) => e.id)).toEqual([b.id, c.id]);
    expect(store.events.after({ after: 0, limit: 1 })).toEqual([a]);
    expect(store.events.after({ after: 0, limit: 10, operation: 'op1' })).toEqual([a, b]);
    expect(store.events.after({ after: a.id, limit: 10, operation: 'op1' })).toEqual([b]);
    expect(store.events.latestId()).toBe(c.id);
    expect(store.events.oldestId()).toBe(a.id);
  });

  it('refuses an event of an unknown kind and stores nothing', () => {
    expect(
      errorCodeOf(() => store.events.append({ kind: 'nope' as 'deploy', type: 'x', message: 'm' })),
    ).toBe('STORE_INVALID_INPUT');
    expect(store.events.latestId()).toBe(0);
  });

  it('prunes to the retention as it appends, and reports the oldest id kept', () => {
    const small = createEventStore(db, fakeClock(), 100);
    for (let i = 0; i < 1000; i++) small.append({ kind: 'container', type: 'start', message: `e${i}` });
    const oldest = small.oldestId();
    expect(oldest).toBeGreaterThan(800);
    expect(small.latestId() - oldest).toBeLessThan(100);
    expect(small.after({ after: 0, limit: 1 })[0]?.id).toBe(oldest);
  });
});
