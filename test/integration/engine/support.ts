import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { connectEngine } from '../../../src/engine/index.js';
import { type ContainerSpec, type Engine, isEngineError } from '../../../src/engine/model.js';
import { SPEC_DEFAULTS } from '../../../src/engine/spec-defaults.js';

// Shared by the engine integration tests: every object they create is named
// `berth-test-engine-<suffix>-...` and labelled with the run's id, so one sweep
// removes everything a file created, even after a failed assertion.

export const TEST_LABEL = 'dev.berth.test';
export const RUN_LABEL = 'dev.berth.test-run';
export const BUSYBOX = 'local/busybox:1';

export interface TestRun {
  readonly engine: Engine;
  readonly id: string;
  /** `berth-test-engine-<run id>-<part>`. */
  name(part: string): string;
  /** The labels every test object carries, plus `extra`. */
  labels(extra?: Record<string, string>): Record<string, string>;
  /** A busybox container spec with every required field empty. */
  spec(part: string, overrides?: Partial<ContainerSpec>): ContainerSpec;
  /** Removes every container, network, volume and image carrying this run's label. */
  cleanup(): Promise<void>;
}

export async function startRun(): Promise<TestRun> {
  const engine = await connectEngine({});
  const id = randomBytes(4).toString('hex');
  const labels = (extra: Record<string, string> = {}) => ({ [TEST_LABEL]: '1', [RUN_LABEL]: id, ...extra });
  const name = (part: string) => `berth-test-engine-${id}-${part}`;
  return {
    engine,
    id,
    name,
    labels,
    spec(part, overrides = {}) {
      return {
        name: name(part),
        image: BUSYBOX,
        command: ['sleep', '300'],
        ...SPEC_DEFAULTS,
        labels: labels(),
        networks: [],
        // busybox's sleep ignores SIGTERM as PID 1: stop fast.
        stopSignal: 'SIGKILL',
        ...overrides,
      };
    },
    async cleanup() {
      const selector = { [RUN_LABEL]: id };
      const failures: unknown[] = [];
      const attempt = async (work: () => Promise<unknown>) => {
        try {
          await work();
        } catch (err) {
          if (!isEngineError(err, 'ENGINE_NOT_FOUND')) failures.push(err);
        }
      };
      for (const container of await engine.containers.list(selector)) {
        await attempt(() => engine.containers.remove(container.id, { force: true, volumes: true }));
      }
      for (const network of await engine.networks.list(selector)) {
        await attempt(() => engine.networks.remove(network.id));
      }
      for (const volume of await engine.volumes.list(selector)) {
        await attempt(() => engine.volumes.remove(volume.name, { force: true }));
      }
      for (const image of await engine.images.list(selector)) {
        await attempt(() => engine.images.remove(image.id, { force: true }));
      }
      if (failures.length > 0) throw new AggregateError(failures, `cleanup of test run ${id} failed`);
    },
  };
}

/** Polls `probe` until it returns a value, a bounded number of times. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { attempts?: number; intervalMs?: number } = {},
): Promise<T> {
  const attempts = options.attempts ?? 120;
  for (let i = 0; i < attempts; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await delay(options.intervalMs ?? 250);
  }
  throw new Error(`gave up waiting for ${what} after ${attempts} attempts`);
}

/** A TCP port nobody listens on right now (the kernel picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port assigned');
  return address.port;
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
