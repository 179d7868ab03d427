import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeClock, fakeClock, makeTempDir } from '../../test/support/store.js';
import { openStore, type Store } from './db.js';
import type { FinishOutcome } from './deployment-schemas.js';
import { MIGRATIONS, migrate } from './migrations.js';
import { createStackDownStore } from './stack-downs.js';

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

/** A deployment of `stack` that ended with `outcome` (or still runs), one second after the last. */
const deployed = (stack: string, outcome: FinishOutcome | 'running'): number => {
  clock.advance(1_000);
  const d = store.deployments.create({ stack, trigger: 'cli', plan: {} });
  if (outcome !== 'running') store.deployments.finish(d.id, outcome);
  return d.id;
};

describe('stack downs', () => {
  it('records nothing for a stack never deployed nor taken down', () => {
    expect(store.stackDowns.facts('shop')).toEqual({ deployments: [] });
  });

  it('records a down after the newest deployment, and gives only the deployments since', () => {
    deployed('shop', 'succeeded');
    const last = deployed('shop', 'succeeded');
    deployed('other', 'succeeded');
    clock.advance(1_000);
    expect(store.stackDowns.record('shop')).toEqual({ at: '2026-12-07T01:00:04.000Z', deploymentId: last });
    expect(store.stackDowns.facts('shop')).toEqual({
      down: { at: '2026-12-07T01:00:04.000Z', deploymentId: last },
      deployments: [],
    });
    const next = deployed('shop', 'rolled-back');
    expect(store.stackDowns.facts('shop')).toEqual({
      down: { at: '2026-12-07T01:00:04.000Z', deploymentId: last },
      deployments: [{ id: next, status: 'rolled-back', finishedAt: '2026-12-07T01:00:05.000Z' }],
    });
    // Another stack's down is its own.
    expect(store.stackDowns.facts('other').down).toBeUndefined();
  });

  it('keeps only the last down of a stack', () => {
    store.stackDowns.record('shop');
    const d = deployed('shop', 'succeeded');
    expect(store.stackDowns.record('shop')).toEqual({ at: '2026-12-07T01:00:01.000Z', deploymentId: d });
    expect(store.stackDowns.facts('shop')).toEqual({
      down: { at: '2026-12-07T01:00:01.000Z', deploymentId: d },
      deployments: [],
    });
  });

  it('records a down of a stack with no deployment without one', () => {
    expect(store.stackDowns.record('shop')).toEqual({ at: '2026-12-07T01:00:00.000Z' });
  });

  it('gives the deployments newest first down to the first that did not put the stack back, over pages', () => {
    deployed('shop', 'succeeded');
    const failed = deployed('shop', 'failed');
    const back = Array.from({ length: 45 }, (_, i) =>
      deployed('shop', i % 2 === 0 ? 'rolled-back' : 'interrupted'),
    );
    const { deployments } = store.stackDowns.facts('shop');
    expect(deployments.map((d) => d.id)).toEqual([...back].reverse().concat(failed));
    expect(deployments.at(-1)?.status).toBe('failed');
  });

  it('gives a running deployment as the newest', () => {
    deployed('shop', 'rolled-back');
    const running = deployed('shop', 'running');
    expect(store.stackDowns.facts('shop').deployments).toEqual([{ id: running, status: 'running' }]);
  });
});

describe('migration 16 (stack downs)', () => {
  it('records as down, without a time, the stacks taken down before it', () => {
    const path = join(temp.dir, 'v14.db');
    const v14 = new Database(path);
    migrate(v14, clock, MIGRATIONS.slice(0, 14));
    const deployment = (stack: string, status: string) =>
      Number(
        v14
          .prepare(
            `INSERT INTO deployments (stack, trigger, plan_json, status, started_at) VALUES (?, 'cli', '{}', ?, '2026-01-01T00:00:00.000Z')`,
          )
          .run(stack, status).lastInsertRowid,
      );
    const applied = (stack: string, id: number) =>
      v14
        .prepare(
          `INSERT INTO applied_specs (stack, service, replica, container_id, config_hash, spec_json, deployment_id, updated_at)
           VALUES (?, 'web', 1, 'c', 'h', '{}', ?, '2026-01-01T00:00:00.000Z')`,
        )
        .run(stack, id);
    // down: its last deploy succeeded, nothing applied. up: applied. rolled: its last deploy rolled back.
    deployment('down', 'rolled-back');
    const down = deployment('down', 'succeeded');
    applied('up', deployment('up', 'succeeded'));
    deployment('rolled', 'rolled-back');
    migrate(v14, clock);
    const downs = createStackDownStore(v14, clock);
    expect(downs.facts('down')).toEqual({ down: { deploymentId: down }, deployments: [] });
    expect(downs.facts('up').down).toBeUndefined();
    expect(downs.facts('rolled').down).toBeUndefined();
    v14.close();
  });
});
