import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeClock, fakeClock, makeTempDir } from '../../test/support/store.js';
import { openStore, type Store } from './db.js';

let temp: ReturnType<typeof makeTempDir>;
let clock: FakeClock;
let store: Store;

const open = () => openStore({ path: join(temp.dir, 'state.db'), clock, isAlive: () => true });

beforeEach(() => {
  temp = makeTempDir();
  clock = fakeClock('2026-12-07T01:00:00.000Z');
  store = open();
});

afterEach(() => {
  store.close();
  temp.cleanup();
});

describe('image pulls', () => {
  it('has no record of an image it never pulled', () => {
    expect(store.imagePulls.get('reg.example/app:1')).toBeUndefined();
  });

  it('keeps the last pull of each reference, with its time and image, across a reopen', () => {
    expect(store.imagePulls.record('reg.example/app:1', 'sha256:aaa')).toEqual({
      reference: 'reg.example/app:1',
      imageId: 'sha256:aaa',
      pulledAt: '2026-12-07T01:00:00.000Z',
    });
    clock.advance(24 * 3_600_000);
    store.imagePulls.record('reg.example/app:1', 'sha256:bbb');
    store.imagePulls.record('reg.example/app:2', 'sha256:ccc');
    store.close();
    store = open();
    expect(store.imagePulls.get('reg.example/app:1')).toEqual({
      reference: 'reg.example/app:1',
      imageId: 'sha256:bbb',
      pulledAt: '2026-12-08T01:00:00.000Z',
    });
    expect(store.imagePulls.get('reg.example/app:2')?.imageId).toBe('sha256:ccc');
  });
});
