import { afterEach, describe, expect, it } from 'vitest';
import type { OperationKind } from '../api/operations.js';
import { EventHub } from '../events/hub.js';
import { type OperationOwner, openMemoryStore, type Store } from '../store/index.js';
import { OperationRunner } from './runner.js';

// What `recover` records as interrupted, by each running operation's owner: a gone process's
// only, never a live `berth --local` command's.

let store: Store;
afterEach(() => store?.close());

const self: OperationOwner = { pid: 10, host: 'box', token: 'me', process: 'serve' };
const liveLocal: OperationOwner = { pid: 20, host: 'box', token: 'live', process: 'local' };
const deadLocal: OperationOwner = { pid: 30, host: 'box', token: 'dead', process: 'local' };

function runner(me: OperationOwner = self) {
  store = openMemoryStore({ now: () => new Date('2026-12-08T00:00:00.000Z') });
  const marked: string[] = [];
  const r = new OperationRunner({
    operations: store.operations,
    events: new EventHub(store.events),
    clock: { now: () => new Date() },
    newId: () => 'op-new',
    markInterrupted: (_stack, reason) => marked.push(reason),
    owner: { self: me, isAlive: (o) => o.pid !== deadLocal.pid },
  });
  return { r, marked };
}

const left = (
  id: string,
  owner: OperationOwner | undefined,
  kind: OperationKind = 'restore',
  stack = 'shop',
) =>
  store.operations.start({
    id,
    stack,
    kind,
    actor: 'alice',
    requestId: `r-${id}`,
    ...(owner ? { owner } : {}),
  });

describe('recover', () => {
  it("leaves a live --local command's operation running, and interrupts a dead one's", () => {
    const { r } = runner();
    left('live', liveLocal);
    left('dead', deadLocal);
    expect(r.recover().map((o) => o.id)).toEqual(['dead']);
    expect(store.operations.get('live')?.status).toBe('running');
    const dead = store.operations.get('dead');
    expect(dead?.status).toBe('interrupted');
    expect(dead?.error?.message).toContain(
      'the berth --local process (pid 30 on box) stopped before the operation finished',
    );
  });

  it('interrupts what a previous server and an operation recorded before owners left, as before', () => {
    const { r, marked } = runner();
    left('old', undefined, 'up');
    left('previous', { ...self, token: 'earlier' }, 'up');
    expect(r.recover().map((o) => o.id)).toEqual(['old', 'previous']);
    expect(store.operations.get('old')?.error?.message).toBe(
      'berth serve stopped before the operation finished',
    );
    expect(marked).toEqual([
      'a previous berth serve process stopped during operation old',
      'a previous berth serve process stopped during operation previous',
    ]);
  });

  it('recovers one stack only when asked, and a --local command leaves what it cannot tell', () => {
    const { r } = runner({ ...deadLocal, pid: 40, token: 'cli', process: 'local' });
    left('here', deadLocal, 'restore', 'shop');
    left('there', deadLocal, 'restore', 'blog');
    left('old', undefined, 'up', 'shop');
    expect(r.recover('shop').map((o) => o.id)).toEqual(['here']);
    expect(store.operations.get('there')?.status).toBe('running');
    expect(store.operations.get('old')?.status).toBe('running');
  });

  it('marks no deployment interrupted for a restore: one running on its stack may be a live process', () => {
    const { r, marked } = runner();
    left('dead', deadLocal, 'restore');
    r.recover();
    expect(marked).toEqual([]);
  });

  it('records this process as the owner of what it starts', async () => {
    const { r } = runner();
    const op = r.start({
      kind: 'job',
      stack: 'shop',
      actor: 'alice',
      requestId: 'r',
      run: async () => ({}) as never,
    });
    expect(store.operations.ownerOf(op.id)).toEqual(self);
    await r.idle();
  });
});
