import { describe, expect, it } from 'vitest';
import { type ManualClock, manualClock } from '../clock.js';
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
    const lifecycle = new Lifecycle(undefined, manualClock());
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
    const lifecycle = new Lifecycle(
      { info: () => {}, error: (_o, msg) => errors.push(msg ?? '') },
      manualClock(),
    );
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
    const lifecycle = new Lifecycle(
      { info: () => {}, error: (_o, msg) => errors.push(msg ?? '') },
      manualClock(),
    );
    lifecycle.register(traced('a', log, 'close'));
    lifecycle.register(traced('b', log, 'drain'));
    await lifecycle.start();
    await lifecycle.stop(1);
    expect(log).toEqual(['start a', 'start b', 'drain b 1', 'drain a 1', 'close b', 'close a']);
    expect(errors).toEqual(['a service failed to drain', 'a service failed to close']);
  });

  it('refuses a registration after start and a second service of the same name', async () => {
    const lifecycle = new Lifecycle(undefined, manualClock());
    lifecycle.register(traced('a', []));
    expect(() => lifecycle.register(traced('a', []))).toThrow(/already registered/);
    await lifecycle.start();
    expect(() => lifecycle.register(traced('late', []))).toThrow(/already running/);
    await expect(lifecycle.start()).rejects.toThrow(/already running/);
  });

  describe('one grace for the whole shutdown', () => {
    /**
     * A service whose work in flight needs `needsMs` more to finish: its drain waits for that work,
     * but no longer than the grace it is given (as the operation runner and the schedulers do). Its
     * close only writes to the log.
     */
    function working(name: string, needsMs: number, clock: ManualClock, log: string[]): BackgroundService {
      return {
        name,
        start: () => undefined,
        drain: async (grace) => {
          log.push(`drain ${name} ${grace} at ${clock.now().getTime()}`);
          await clock.sleep(Math.min(needsMs, grace));
          log.push(`drained ${name} at ${clock.now().getTime()}`);
        },
        close: () => {
          log.push(`close ${name} at ${clock.now().getTime()}`);
        },
      };
    }

    /** Starts a lifecycle of `services` (registration order), stops it with `graceMs` and lets time run. */
    async function stopAll(
      clock: ManualClock,
      graceMs: number,
      services: BackgroundService[],
      infos: string[] = [],
    ): Promise<void> {
      const lifecycle = new Lifecycle({ info: (_o, msg) => infos.push(msg ?? ''), error: () => {} }, clock);
      for (const service of services) lifecycle.register(service);
      await lifecycle.start();
      const stopping = lifecycle.stop(graceMs);
      await clock.advance(60_000);
      await stopping;
      expect(lifecycle.status).toBe('stopped');
    }

    it('gives the second service only what the first left of the grace', async () => {
      const clock = manualClock();
      const log: string[] = [];
      // A deploy that will not finish and a scheduled job run that needs 7 s, with a 10 s grace.
      await stopAll(clock, 10_000, [
        working('operations', 30_000, clock, log),
        working('scheduler', 7_000, clock, log),
      ]);
      expect(log).toEqual([
        'drain scheduler 10000 at 0',
        'drained scheduler at 7000',
        'drain operations 3000 at 7000',
        'drained operations at 10000',
        'close scheduler at 10000',
        'close operations at 10000',
      ]);
    });

    it('passes the time a service leaves unused on to the next', async () => {
      const clock = manualClock();
      const log: string[] = [];
      await stopAll(clock, 10_000, [
        working('operations', 30_000, clock, log),
        working('health', 0, clock, log),
        working('scheduler', 2_000, clock, log),
      ]);
      expect(log.filter((line) => line.startsWith('drain '))).toEqual([
        'drain scheduler 10000 at 0',
        'drain health 8000 at 2000',
        'drain operations 8000 at 2000',
      ]);
      expect(log).toContain('drained operations at 10000');
    });

    it('still drains with 0 and closes every service once the grace is used up', async () => {
      const clock = manualClock();
      const log: string[] = [];
      const infos: string[] = [];
      // The first drain outlasts the grace (an aborted deploy still putting containers back).
      const overrun: BackgroundService = {
        ...working('scheduler', 0, clock, log),
        drain: () => clock.sleep(15_000),
      };
      await stopAll(
        clock,
        10_000,
        [working('store', 5_000, clock, log), working('alerts', 5_000, clock, log), overrun],
        infos,
      );
      expect(log).toEqual([
        'drain alerts 0 at 15000',
        'drained alerts at 15000',
        'drain store 0 at 15000',
        'drained store at 15000',
        'close scheduler at 15000',
        'close alerts at 15000',
        'close store at 15000',
      ]);
      expect(infos).toEqual([
        'the shutdown grace is used up: draining without waiting',
        'the shutdown grace is used up: draining without waiting',
      ]);
    });
  });
});
