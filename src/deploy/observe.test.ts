import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { desiredOf } from '../../test/support/deploy-fixtures.js';
import { type FakeClock, fakeClock, makeTempDir } from '../../test/support/store.js';
import { openStore, type Store } from '../store/db.js';
import { lastPulls } from './observe.js';

let temp: ReturnType<typeof makeTempDir>;
let clock: FakeClock;
let store: Store;

beforeEach(() => {
  temp = makeTempDir();
  clock = fakeClock('2026-12-07T01:00:00.000Z');
  store = openStore({ path: join(temp.dir, 'state.db'), clock, isAlive: () => true });
});

afterEach(() => {
  store.close();
  temp.cleanup();
});

describe('lastPulls', () => {
  const FILE = `services:
  a: { image: "docker.io/library/redis:7" }
  b: { image: "redis:7" }
  c: { image: "docker.io/library/postgres:16" }
  d: { image: "cron:2" }
`;

  it('finds a pull under any spelling of the image, and a record from before pulls were named as the engine names them', async () => {
    store.imagePulls.record('redis:7', 'sha256:aaa');
    clock.advance(60_000);
    // As a deploy before this change recorded it: the file's spelling.
    store.imagePulls.record('docker.io/library/postgres:16', 'sha256:bbb');
    const pulls = lastPulls(store, await desiredOf(FILE));
    expect(Object.fromEntries(pulls)).toEqual({
      'docker.io/library/redis:7': '2026-12-07T01:00:00.000Z',
      'redis:7': '2026-12-07T01:00:00.000Z',
      'docker.io/library/postgres:16': '2026-12-07T01:01:00.000Z',
    });
  });
});
