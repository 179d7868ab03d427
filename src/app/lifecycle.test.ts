import { describe, expect, it } from 'vitest';
import { type BackgroundService, Lifecycle } from './lifecycle.js';

/** A service that writes what happens to it into `log`. */
function traced(name: string, log: string[], fail?: 'start' | 'drain' | 'close'): BackgroundService {
  return {
    name,
    start: () => {
      log.push(`start ${name}`);
      if (fail === 'start') throw new Error(`${name} cannot start`);
    },
    drain: (grace) => {
      log.push(`drain ${name} ${grace}`);
      if (fail === 'drain') throw new Error(`${name} cannot drain`);
    },
    close: async () => {
      log.push(`close ${name}`);
      if (fail === 'close') throw new Error(`${name} cannot close`);
    },
  };
}

describe('Lifecycle', () => {
  it('starts in order and stops newest first: every service drains, then every service closes', async () => {
    const log: string[] = [];
    const lifecycle = new Lifecycle();
    for (const name of ['store', 'operations', 'http']) lifecycle.register(traced(name, log));
    await lifecycle.start();
    expect(lifecycle.status).toBe('running');
    await lifecycle.stop(30);
    expect(log).toEqual([
      'start store',
      'start operations',
      'start http',
      'drain http 30',
      'drain operations 30',
      'drain store 30',
      'close http',
      'close operations',
      'close store',
    ]);
    expect(lifecycle.status).toBe('stopped');
    await lifecycle.stop(30);
    expect(log).toHaveLength(9);
  });

  it('stops what started when a service fails to start, and throws its error', async () => {
    const log: string[] = [];
    const errors: string[] = [];
    const lifecycle = new Lifecycle({ info: () => {}, error: (_o, msg) => errors.push(msg ?? '') });
    lifecycle.register(traced('store', log));
    lifecycle.register(traced('http', log, 'start'));
    lifecycle.register(traced('never', log));
    await expect(lifecycle.start()).rejects.toThrow('http cannot start');
    expect(log).toEqual(['start store', 'start http', 'drain store 0', 'close store']);
    expect(errors).toEqual(['a service failed to start']);
  });

  it('goes on stopping the others when one fails to drain or close, and logs it', async () => {
    const log: string[] = [];
    const errors: string[] = [];
    const lifecycle = new Lifecycle({ info: () => {}, error: (_o, msg) => errors.push(msg ?? '') });
    lifecycle.register(traced('a', log, 'close'));
    lifecycle.register(traced('b', log, 'drain'));
    await lifecycle.start();
    await lifecycle.stop(1);
    expect(log).toEqual(['start a', 'start b', 'drain b 1', 'drain a 1', 'close b', 'close a']);
    expect(errors).toEqual(['a service failed to drain', 'a service failed to close']);
  });

  it('refuses a registration after start and a second service of the same name', async () => {
    const lifecycle = new Lifecycle();
    lifecycle.register(traced('a', []));
    expect(() => lifecycle.register(traced('a', []))).toThrow(/already registered/);
    await lifecycle.start();
    expect(() => lifecycle.register(traced('late', []))).toThrow(/already running/);
    await expect(lifecycle.start()).rejects.toThrow(/already running/);
  });
});
