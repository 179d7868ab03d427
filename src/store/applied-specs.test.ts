import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { errorCodeOf, type FakeClock, fakeClock, makeTempDir } from '../../test/support/store.js';
import { openStore, type Store } from './db.js';

let temp: ReturnType<typeof makeTempDir>;
let clock: FakeClock;
let store: Store;
let deploymentId: number;

const open = () => openStore({ path: join(temp.dir, 'state.db'), clock, isAlive: () => true });
const spec = (image: string) => ({
  image,
  environment: { DB_PASSWORD: 's3cret', EMPTY: '' },
  ports: [{ target: 80, published: '8080' }],
  healthcheck: null,
});

beforeEach(() => {
  temp = makeTempDir();
  clock = fakeClock('2025-05-05T05:00:00.000Z');
  store = open();
  deploymentId = store.deployments.create({ stack: 'web', trigger: 'cli', plan: {} }).id;
});

afterEach(() => {
  store.close();
  temp.cleanup();
});

describe('applied specs', () => {
  it('round-trips a spec and survives a reopen', () => {
    const put = store.appliedSpecs.put('web', 'api', 1, {
      containerId: 'c0ffee',
      configHash: 'sha256:aa',
      spec: spec('api:1'),
      deploymentId,
    });
    expect(put).toEqual({
      stack: 'web',
      service: 'api',
      replica: 1,
      containerId: 'c0ffee',
      configHash: 'sha256:aa',
      spec: spec('api:1'),
      deploymentId,
      updatedAt: '2025-05-05T05:00:00.000Z',
    });
    store.close();
    store = open();
    expect(store.appliedSpecs.get('web', 'api', 1)).toEqual(put);
    expect(store.appliedSpecs.get('web', 'api', 2)).toBeUndefined();
  });

  it('replaces the record of a replica on a later deploy', () => {
    store.appliedSpecs.put('web', 'api', 1, {
      containerId: 'old',
      configHash: 'h1',
      spec: spec('api:1'),
      deploymentId,
    });
    clock.advance(1000);
    const next = store.deployments.create({ stack: 'web', trigger: 'cli', plan: {} }).id;
    store.appliedSpecs.put('web', 'api', 1, {
      containerId: 'new',
      configHash: 'h2',
      spec: spec('api:2'),
      deploymentId: next,
    });
    expect(store.appliedSpecs.get('web', 'api', 1)).toMatchObject({
      containerId: 'new',
      configHash: 'h2',
      spec: spec('api:2'),
      deploymentId: next,
      updatedAt: '2025-05-05T05:00:01.000Z',
    });
    expect(store.appliedSpecs.list('web')).toHaveLength(1);
  });

  it('lists by service and replica, and removes one replica or all of a service', () => {
    const put = (service: string, replica: number) =>
      store.appliedSpecs.put('web', service, replica, {
        containerId: `${service}-${replica}`,
        configHash: 'h',
        spec: {},
        deploymentId,
      });
    put('worker', 2);
    put('api', 1);
    put('worker', 1);
    put('worker', 3);
    store.appliedSpecs.put('shop', 'api', 1, { containerId: 'x', configHash: 'h', spec: {}, deploymentId });

    expect(store.appliedSpecs.list('web').map((s) => s.containerId)).toEqual([
      'api-1',
      'worker-1',
      'worker-2',
      'worker-3',
    ]);
    expect(store.appliedSpecs.remove('web', 'worker', 2)).toBe(1);
    expect(store.appliedSpecs.remove('web', 'worker', 2)).toBe(0);
    expect(store.appliedSpecs.remove('web', 'worker')).toBe(2);
    expect(store.appliedSpecs.list('web').map((s) => s.containerId)).toEqual(['api-1']);
    expect(store.appliedSpecs.list('shop')).toHaveLength(1);
  });

  it('refuses an unknown deployment and a negative replica', () => {
    const input = { containerId: 'c', configHash: 'h', spec: {}, deploymentId: 999 };
    expect(errorCodeOf(() => store.appliedSpecs.put('web', 'api', 1, input))).toBe('STORE_NOT_FOUND');
    expect(errorCodeOf(() => store.appliedSpecs.put('web', 'api', -1, { ...input, deploymentId }))).toBe(
      'STORE_INVALID_INPUT',
    );
    expect(store.appliedSpecs.list('web')).toEqual([]);
  });
});
