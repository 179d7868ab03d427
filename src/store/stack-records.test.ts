import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMemoryStore, type Store } from './index.js';

// Whether anything of a stack is recorded: each kind of record counts, for its own stack only.

let store: Store;
beforeEach(() => {
  store = openMemoryStore({ now: () => new Date('2026-06-10T10:00:00Z') });
});
afterEach(() => store.close());

const RECORDS: Array<[string, (s: Store) => void]> = [
  ['a deployment', (s) => s.deployments.create({ stack: 'shop', trigger: 'api', plan: {} })],
  [
    'a backup, even a failed one',
    (s) => {
      s.backups.begin({
        id: 'b1',
        stack: 'shop',
        service: 'db',
        kind: 'mariadb',
        store: 'local',
        trigger: 'manual',
      });
      s.backups.fail('b1', 'no engine');
    },
  ],
  [
    'a job run',
    (s) => s.jobRuns.start({ stack: 'shop', service: 'app', job: 'tidy', trigger: 'manual', attempt: 1 }),
  ],
  [
    'a probe state',
    (s) =>
      s.probes.record([
        {
          state: {
            stack: 'shop',
            service: 'web',
            probe: 'home',
            status: 'up',
            failures: 0,
            successes: 1,
            changes: [],
            flapping: false,
            last: { at: '2026-06-10T10:00:00Z', ok: true, detail: 'ok' },
          },
          hour: Date.UTC(2026, 5, 10, 10),
          day: Date.UTC(2026, 5, 10),
        },
      ]),
  ],
];

describe('stackRecords.any', () => {
  it('is false for a stack with nothing recorded', () => {
    expect(store.stackRecords.any('shop')).toBe(false);
  });

  it.each(RECORDS)('is true for a stack with %s, and only for it', (_what, record) => {
    record(store);
    expect(store.stackRecords.any('shop')).toBe(true);
    expect(store.stackRecords.any('shop-admin')).toBe(false);
  });
});
