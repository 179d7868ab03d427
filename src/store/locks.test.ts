import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorCodeOf, type FakeClock, fakeClock, makeTempDir } from '../../test/support/store.js';
import { openStore, type Store } from './db.js';
import type { LockOwner } from './locks.js';

let temp: ReturnType<typeof makeTempDir>;
let clock: FakeClock;
const opened: Store[] = [];
/** Pids the fake liveness probe reports as running; tests "kill" a process by deleting it. */
let alivePids: Set<number>;
let probed: LockOwner[];

function open(): Store {
  const store = openStore({
    path: join(temp.dir, 'state.db'),
    clock,
    isAlive: (owner) => {
      probed.push(owner);
      return alivePids.has(owner.pid);
    },
  });
  opened.push(store);
  return store;
}

const owner = (pid: number): LockOwner => ({ pid, host: 'box', token: `token-${pid}` });

beforeEach(() => {
  temp = makeTempDir();
  clock = fakeClock('2025-02-02T08:00:00.000Z');
  alivePids = new Set([100, 200]);
  probed = [];
});

afterEach(() => {
  for (const store of opened.splice(0)) store.close();
  temp.cleanup();
});

describe('locks', () => {
  it('gives a free stack to the first caller without probing anyone', () => {
    const store = open();
    expect(store.locks.acquire('web', { owner: owner(100) })).toEqual({ ok: true });
    expect(store.locks.holder('web')).toEqual({
      deploymentId: undefined,
      owner: owner(100),
      since: '2025-02-02T08:00:00.000Z',
    });
    expect(probed).toEqual([]);
    expect(store.locks.acquire('db', { owner: owner(200) })).toEqual({ ok: true });
  });

  it('refuses a second caller while the holder is alive, naming its deployment', () => {
    const store = open();
    const d = store.deployments.create({ stack: 'web', trigger: 'cli', plan: {} });
    store.locks.acquire('web', { owner: owner(100), deploymentId: d.id });
    clock.advance(30_000);

    expect(store.locks.acquire('web', { owner: owner(200) })).toEqual({
      ok: false,
      heldBy: { deploymentId: d.id, owner: owner(100), since: '2025-02-02T08:00:00.000Z' },
    });
    expect(probed).toEqual([owner(100)]);
    expect(store.locks.holder('web')?.owner).toEqual(owner(100));
  });

  it('takes over from a dead holder and reports it so its deployment can be marked interrupted', () => {
    const store = open();
    const d = store.deployments.create({ stack: 'web', trigger: 'cli', plan: {} });
    store.locks.acquire('web', { owner: owner(100), deploymentId: d.id });
    alivePids.delete(100);
    clock.advance(60_000);

    const result = store.locks.acquire('web', { owner: owner(200) });
    expect(result).toEqual({
      ok: true,
      staleFrom: { deploymentId: d.id, owner: owner(100), since: '2025-02-02T08:00:00.000Z' },
    });
    expect(store.locks.holder('web')).toEqual({
      deploymentId: undefined,
      owner: owner(200),
      since: '2025-02-02T08:01:00.000Z',
    });
    expect(store.deployments.markInterrupted('web', 'holder died')).toEqual([d.id]);
  });

  it('lets the holder re-acquire and attach its deployment, and nobody else', () => {
    const store = open();
    expect(store.locks.acquire('web', { owner: owner(100) })).toEqual({ ok: true });
    const d = store.deployments.create({ stack: 'web', trigger: 'api', plan: {} });
    expect(errorCodeOf(() => store.locks.attach('web', 'token-200', d.id))).toBe('STORE_LOCKED');
    expect(errorCodeOf(() => store.locks.attach('web', 'token-100', 999))).toBe('STORE_NOT_FOUND');
    expect(errorCodeOf(() => store.locks.attach('db', 'token-100', d.id))).toBe('STORE_NOT_FOUND');
    store.locks.attach('web', 'token-100', d.id);
    expect(store.locks.holder('web')?.deploymentId).toBe(d.id);

    expect(store.locks.acquire('web', { owner: owner(100) })).toEqual({ ok: true });
    expect(store.locks.holder('web')?.deploymentId).toBe(d.id);
    expect(probed).toEqual([]);
  });

  it('releases only for the matching token', () => {
    const store = open();
    store.locks.acquire('web', { owner: owner(100) });
    expect(errorCodeOf(() => store.locks.release('web', 'token-200'))).toBe('STORE_LOCKED');
    expect(store.locks.holder('web')?.owner.pid).toBe(100);

    expect(store.locks.release('web', 'token-100')).toBe(true);
    expect(store.locks.holder('web')).toBeUndefined();
    expect(store.locks.release('web', 'token-100')).toBe(false);
    expect(store.locks.acquire('web', { owner: owner(200) })).toEqual({ ok: true });
  });

  it('refuses a malformed owner or an unknown deployment', () => {
    const store = open();
    const bad = { pid: -1, host: 'box', token: 't' };
    expect(errorCodeOf(() => store.locks.acquire('web', { owner: bad }))).toBe('STORE_INVALID_INPUT');
    expect(errorCodeOf(() => store.locks.acquire('web', { owner: owner(100), deploymentId: 5 }))).toBe(
      'STORE_NOT_FOUND',
    );
    expect(store.locks.holder('web')).toBeUndefined();
  });

  it('is respected across two connections to the same file', () => {
    const a = open();
    const b = open();
    const d = a.deployments.create({ stack: 'web', trigger: 'cli', plan: {} });
    expect(a.locks.acquire('web', { owner: owner(100), deploymentId: d.id })).toEqual({ ok: true });

    const refused = b.locks.acquire('web', { owner: owner(200) });
    expect(refused).toMatchObject({ ok: false, heldBy: { deploymentId: d.id, owner: owner(100) } });
    expect(errorCodeOf(() => b.locks.release('web', 'token-200'))).toBe('STORE_LOCKED');

    a.locks.release('web', 'token-100');
    expect(b.locks.acquire('web', { owner: owner(200) })).toEqual({ ok: true });
    expect(a.locks.acquire('web', { owner: owner(100) })).toMatchObject({
      ok: false,
      heldBy: { owner: owner(200) },
    });
  });

  it('lets a second connection take over from a dead one, after which the old token is refused', () => {
    const a = open();
    const b = open();
    a.locks.acquire('web', { owner: owner(100) });
    alivePids.delete(100);
    expect(b.locks.acquire('web', { owner: owner(200) })).toMatchObject({
      ok: true,
      staleFrom: { owner: owner(100) },
    });
    expect(errorCodeOf(() => a.locks.release('web', 'token-100'))).toBe('STORE_LOCKED');
    expect(a.locks.holder('web')?.owner).toEqual(owner(200));
  });
});
