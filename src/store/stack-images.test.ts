import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeClock, fakeClock, makeTempDir } from '../../test/support/store.js';
import { openStore, type Store } from './db.js';
import { MIGRATIONS, migrate } from './migrations.js';
import { createStackImageStore } from './stack-images.js';

let temp: ReturnType<typeof makeTempDir>;
let clock: FakeClock;
let store: Store;

const open = () => openStore({ path: join(temp.dir, 'state.db'), clock, isAlive: () => true });
const HOUR = 3_600_000;

beforeEach(() => {
  temp = makeTempDir();
  clock = fakeClock('2026-12-07T01:00:00.000Z');
  store = open();
});

afterEach(() => {
  store.close();
  temp.cleanup();
});

const record = (stack: string, service: string, imageId: string, origin: 'pull' | 'build' = 'build') =>
  store.stackImages.record({ stack, service, imageId, reference: `${stack}-${service}`, origin });

describe('stack images', () => {
  it('has no records of a stack Berth never pulled or built for', () => {
    expect(store.stackImages.list('shop')).toEqual([]);
    expect(store.stackImages.holders('sha256:a')).toEqual([]);
  });

  it('lists newest deploy first, never-deployed versions last (newest recorded first), across a reopen', () => {
    record('shop', 'api', 'sha256:a');
    clock.advance(HOUR);
    record('shop', 'api', 'sha256:b', 'pull');
    store.stackImages.deployed('shop', 'api', 'sha256:b');
    clock.advance(HOUR);
    store.stackImages.deployed('shop', 'api', 'sha256:a');
    clock.advance(HOUR);
    record('shop', 'api', 'sha256:c');
    store.close();
    store = open();
    expect(store.stackImages.list('shop')).toEqual([
      {
        stack: 'shop',
        service: 'api',
        imageId: 'sha256:a',
        reference: 'shop-api',
        origin: 'build',
        recordedAt: '2026-12-07T01:00:00.000Z',
        deployedAt: '2026-12-07T03:00:00.000Z',
      },
      expect.objectContaining({
        imageId: 'sha256:b',
        origin: 'pull',
        deployedAt: '2026-12-07T02:00:00.000Z',
      }),
      {
        stack: 'shop',
        service: 'api',
        imageId: 'sha256:c',
        reference: 'shop-api',
        origin: 'build',
        recordedAt: '2026-12-07T04:00:00.000Z',
      },
    ]);
  });

  it('keeps every reference one version was pulled or built as, each with its first record time', () => {
    record('shop', 'api', 'sha256:a');
    clock.advance(HOUR);
    record('shop', 'api', 'sha256:a');
    store.stackImages.record({
      stack: 'shop',
      service: 'api',
      imageId: 'sha256:a',
      reference: 'reg/api:2',
      origin: 'pull',
    });
    store.stackImages.deployed('shop', 'api', 'sha256:a');
    expect(store.stackImages.list('shop').map((r) => [r.reference, r.recordedAt, r.deployedAt])).toEqual([
      ['reg/api:2', '2026-12-07T02:00:00.000Z', '2026-12-07T02:00:00.000Z'],
      ['shop-api', '2026-12-07T01:00:00.000Z', '2026-12-07T02:00:00.000Z'],
    ]);
  });

  it('records a deploy only of a version Berth put there', () => {
    store.stackImages.deployed('shop', 'api', 'sha256:loaded-by-hand');
    expect(store.stackImages.list('shop')).toEqual([]);
  });

  it("finds every stack's records of an image, and forgets one stack's", () => {
    record('shop', 'api', 'sha256:a');
    record('shop', 'worker', 'sha256:a');
    record('blog', 'web', 'sha256:a');
    record('blog', 'web', 'sha256:b');
    expect(
      store.stackImages
        .holders('sha256:a')
        .map((r) => `${r.stack}/${r.service}`)
        .sort(),
    ).toEqual(['blog/web', 'shop/api', 'shop/worker']);
    expect(store.stackImages.forget('shop', 'sha256:a')).toBe(2);
    expect(store.stackImages.list('shop')).toEqual([]);
    expect(
      store.stackImages
        .list('blog')
        .map((r) => r.imageId)
        .sort(),
    ).toEqual(['sha256:a', 'sha256:b']);
    expect(store.stackImages.forget('shop', 'sha256:a')).toBe(0);
  });

  it('finds the stacks whose applied state runs an image', () => {
    const deployment = (stack: string) => store.deployments.create({ stack, trigger: 'cli', plan: {} }).id;
    const put = (stack: string, service: string, imageId: string | null) =>
      store.appliedSpecs.put(stack, service, 1, {
        containerId: `${stack}-${service}`,
        configHash: 'h',
        spec: { spec: {}, imageId, salt: 's', files: {} },
        deploymentId: deployment(stack),
      });
    put('shop', 'api', 'sha256:a');
    put('shop', 'worker', 'sha256:a');
    put('blog', 'web', 'sha256:a');
    put('blog', 'db', null);
    expect(store.appliedSpecs.stacksWithImage('sha256:a')).toEqual(['blog', 'shop']);
    expect(store.appliedSpecs.stacksWithImage('sha256:b')).toEqual([]);
  });
});

describe('migration 14', () => {
  it('replaces the table migration 13 made, dropping its rows (their references were stored unmasked)', () => {
    const db = new Database(':memory:');
    migrate(
      db,
      clock,
      MIGRATIONS.filter((m) => m.version <= 13),
    );
    db.prepare(
      "INSERT INTO stack_images VALUES ('shop', 'api', 'sha256:a', 'shop-api-rawsecret', 'build', 'now', NULL)",
    ).run();
    expect(
      migrate(
        db,
        clock,
        MIGRATIONS.filter((m) => m.version <= 14),
      ),
    ).toEqual([14]);
    expect(db.prepare('SELECT COUNT(*) FROM stack_images').pluck().get()).toBe(0);
    const images = createStackImageStore(db, clock);
    images.record({
      stack: 'shop',
      service: 'api',
      imageId: 'sha256:a',
      reference: 'shop-api:1',
      origin: 'pull',
    });
    images.record({
      stack: 'shop',
      service: 'api',
      imageId: 'sha256:a',
      reference: 'shop-api:2',
      origin: 'pull',
    });
    expect(images.list('shop').map((r) => r.reference)).toEqual(['shop-api:1', 'shop-api:2']);
    db.close();
  });
});
