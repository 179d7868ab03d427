import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeClock, fakeClock, makeTempDir } from '../../test/support/store.js';
import { openStore, type Store } from './db.js';

let temp: ReturnType<typeof makeTempDir>;
let clock: FakeClock;
let store: Store;

beforeEach(() => {
  temp = makeTempDir();
  clock = fakeClock('2025-06-01T12:00:00.000Z');
  store = openStore({ path: join(temp.dir, 'state.db'), clock, isAlive: () => true });
});

afterEach(() => {
  store.close();
  temp.cleanup();
});

/** A deployment of `stack`, a minute after the previous one, finished with `status` unless running. */
function deploy(stack: string, status: 'running' | 'succeeded' | 'failed' | 'rolled-back') {
  clock.advance(60_000);
  const d = store.deployments.create({ stack, trigger: 'cli', plan: { services: [stack] } });
  clock.advance(5_000);
  return status === 'running' ? d : store.deployments.finish(d.id, status);
}

describe('deployments.latest', () => {
  it('gives each stack its newest deployment, without plan, among several and interleaved', () => {
    deploy('web', 'succeeded');
    deploy('db', 'succeeded');
    deploy('web', 'failed');
    const webLast = deploy('web', 'rolled-back');
    const dbLast = deploy('db', 'failed');
    const latest = store.deployments.latest(['web', 'db']);
    expect([...latest.keys()].sort()).toEqual(['db', 'web']);
    expect(latest.get('web')).toEqual({
      id: webLast.id,
      stack: 'web',
      status: 'rolled-back',
      startedAt: webLast.startedAt,
      finishedAt: webLast.finishedAt,
    });
    expect(latest.get('db')).toMatchObject({ id: dbLast.id, status: 'failed' });
    // The same answer as the newest item of each stack's history.
    expect(latest.get('web')?.id).toBe(store.deployments.list('web', { limit: 1 }).items[0]?.id);
  });

  it('leaves out stacks without a deployment and stacks not asked for', () => {
    deploy('web', 'succeeded');
    deploy('other', 'succeeded');
    const latest = store.deployments.latest(['web', 'never-deployed']);
    expect([...latest.keys()]).toEqual(['web']);
    expect(store.deployments.latest([]).size).toBe(0);
    expect(store.deployments.latest(['never-deployed']).size).toBe(0);
  });

  it('shows a running deployment as the latest, with no finish time', () => {
    deploy('web', 'succeeded');
    const running = deploy('web', 'running');
    const latest = store.deployments.latest(['web']).get('web');
    expect(latest).toEqual({ id: running.id, stack: 'web', status: 'running', startedAt: running.startedAt });
    expect(latest?.finishedAt).toBeUndefined();
  });

  it('takes names as data: quotes and a name asked twice change nothing', () => {
    deploy("it's", 'succeeded');
    const latest = store.deployments.latest(["it's", "it's", '"]']);
    expect([...latest.keys()]).toEqual(["it's"]);
  });
});
