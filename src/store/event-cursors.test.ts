import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorCodeOf, fakeClock, makeTempDir } from '../../test/support/store.js';
import { openStore, type Store } from './index.js';

let temp: ReturnType<typeof makeTempDir>;
let clock: ReturnType<typeof fakeClock>;
let a: Store;
let b: Store;
beforeEach(() => {
  temp = makeTempDir('berth-cursors-');
  clock = fakeClock('2026-03-02T03:00:00.000Z');
  const path = join(temp.dir, 'berth.db');
  a = openStore({ path, clock, isAlive: () => true });
  b = openStore({ path, clock, isAlive: () => true });
});
afterEach(() => {
  a.close();
  b.close();
  temp.cleanup();
});

describe('event cursors', () => {
  it('records and moves a named cursor, seen by every connection', () => {
    expect(a.eventCursors.get('alerts')).toBeUndefined();
    a.eventCursors.set('alerts', 7);
    clock.advance(1000);
    a.eventCursors.set('alerts', 12);
    expect(b.eventCursors.get('alerts')).toEqual({ eventId: 12, updatedAt: '2026-03-02T03:00:01.000Z' });
    expect(b.eventCursors.get('other')).toBeUndefined();
  });

  it('refuses a negative or fractional event id', () => {
    expect(errorCodeOf(() => a.eventCursors.set('alerts', -1))).toBe('STORE_INVALID_INPUT');
    expect(errorCodeOf(() => a.eventCursors.set('alerts', 1.5))).toBe('STORE_INVALID_INPUT');
    expect(a.eventCursors.get('alerts')).toBeUndefined();
  });

  it("changes the data version on another connection's commit, never on its own", () => {
    const before = a.eventCursors.foreignVersion();
    a.events.append({ kind: 'backup', type: 'failed', message: 'own' });
    a.eventCursors.set('alerts', 1);
    expect(a.eventCursors.foreignVersion()).toBe(before);
    b.events.append({ kind: 'backup', type: 'failed', message: 'theirs' });
    expect(a.eventCursors.foreignVersion()).not.toBe(before);
  });
});
