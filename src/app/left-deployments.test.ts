import { afterEach, describe, expect, it } from 'vitest';
import { openMemoryStore, type Store } from '../store/index.js';
import { markLeftDeployments } from './left-deployments.js';

// Recovering a gone process's deploy marks the stack's running deployments interrupted, except the
// one a live process other than this one is running (it holds the stack's lock).

let store: Store;
afterEach(() => store?.close());

const self = { pid: 10, host: 'box', token: 'me' };
const other = { pid: 20, host: 'box', token: 'other' };

function setup(alive: (owner: { pid: number }) => boolean) {
  store = openMemoryStore({ now: () => new Date('2026-12-08T00:00:00.000Z') }, alive);
  const running = store.deployments.create({ stack: 'shop', trigger: 'cli', plan: {} });
  return { running: running.id, mark: markLeftDeployments(() => store, self) };
}

const statusOf = (id: number) => store.deployments.get(id)?.status;

describe('the deployments a gone process left', () => {
  it('are marked interrupted when nobody holds the stack', () => {
    const { running, mark } = setup(() => true);
    mark('shop', 'a previous berth serve process stopped during operation op_1');
    expect(statusOf(running)).toBe('interrupted');
  });

  it('are left to a live process of another owner that holds the stack (its deploy is running)', () => {
    const { running, mark } = setup(() => true);
    expect(store.locks.acquire('shop', { owner: other, deploymentId: running }).ok).toBe(true);
    mark('shop', 'a previous berth serve process stopped during operation op_1');
    expect(statusOf(running)).toBe('running');
  });

  it("are marked when the lock's holder is gone, or is this process itself", () => {
    const gone = setup((owner) => owner.pid !== other.pid);
    store.locks.acquire('shop', { owner: other, deploymentId: gone.running });
    gone.mark('shop', 'why');
    expect(statusOf(gone.running)).toBe('interrupted');
    store.close();

    const mine = setup(() => true);
    store.locks.acquire('shop', { owner: self, deploymentId: mine.running });
    mine.mark('shop', 'why');
    expect(statusOf(mine.running)).toBe('interrupted');
  });
});
