import { describe, expect, it } from 'vitest';
import type { ConnectConfig } from '../engine/index.js';
import { type Engine, EngineError } from '../engine/model.js';
import { engineConnection } from './engine-connection.js';

/** A connect function that fails `failures` times, then answers; counts its calls. */
function flakyConnect(failures: number) {
  const calls: ConnectConfig[] = [];
  const engine = {} as Engine;
  return {
    calls,
    engine,
    connect: async (config: ConnectConfig) => {
      calls.push(config);
      if (calls.length <= failures) throw new EngineError('ENGINE_UNAVAILABLE', `attempt ${calls.length}`);
      return engine;
    },
  };
}

describe('engineConnection', () => {
  it('connects on first use only, and keeps the connection', async () => {
    const fake = flakyConnect(0);
    let now = 0;
    const get = engineConnection({
      clock: { now: () => new Date(now) },
      connect: fake.connect,
      host: 'tcp://h:1',
    });
    expect(fake.calls).toHaveLength(0);
    expect(await get()).toBe(fake.engine);
    now += 60_000;
    expect(await get()).toBe(fake.engine);
    expect(fake.calls).toEqual([{ host: 'tcp://h:1' }]);
  });

  it('after a failure answers with the same error until the backoff passed, which doubles up to its cap', async () => {
    const fake = flakyConnect(3);
    let now = 0;
    const get = engineConnection({
      clock: { now: () => new Date(now) },
      connect: fake.connect,
      backoffMs: 1000,
      maxBackoffMs: 1500,
    });
    await expect(get()).rejects.toThrow('attempt 1');
    now += 999;
    await expect(get()).rejects.toThrow('attempt 1');
    expect(fake.calls).toHaveLength(1);
    now += 1;
    await expect(get()).rejects.toThrow('attempt 2');
    now += 1000;
    // The backoff is now 1500 ms (2000, capped).
    await expect(get()).rejects.toThrow('attempt 2');
    now += 500;
    await expect(get()).rejects.toThrow('attempt 3');
    now += 1500;
    expect(await get()).toBe(fake.engine);
    expect(fake.calls).toHaveLength(4);
  });

  it('probes with a timeout of its own and says whether the engine answers, never throwing', async () => {
    const fake = flakyConnect(1);
    const get = engineConnection({
      clock: { now: () => new Date(0) },
      connect: fake.connect,
      host: 'unix:///x',
    });
    expect(await get.probe(2000)).toBe(false);
    expect(await get.probe(2000)).toBe(true);
    expect(fake.calls).toEqual([
      { host: 'unix:///x', timeoutMs: 2000 },
      { host: 'unix:///x', timeoutMs: 2000 },
    ]);
  });
});
