import { describe, expect, it } from 'vitest';
import type { StartAfter } from './desired.js';
import { runInDependencyOrder } from './start-order.js';

interface Run {
  readonly signal: AbortSignal;
  started(): void;
  pass(): void;
  fail(error: unknown): void;
}

/** Runs whose progress the test drives; `log` records what happened in order. */
function harness(needs: Readonly<Record<string, readonly StartAfter[]>>, limit?: number) {
  const runs = new Map<string, Run>();
  const log: string[] = [];
  const held: string[] = [];
  const told: string[] = [];
  const done = runInDependencyOrder({
    services: Object.keys(needs),
    startAfter: (s) => needs[s] ?? [],
    onHeld: (s, need) => held.push(`${s}<-${need.service}`),
    onStarted: (s) => told.push(`started ${s}`),
    ...(limit === undefined ? {} : { limit }),
    run: (service, signal, started) =>
      new Promise<void>((resolve, reject) => {
        log.push(`start ${service}`);
        signal.addEventListener('abort', () => {
          log.push(`abort ${service}`);
          reject(signal.reason);
        });
        runs.set(service, { signal, started, pass: resolve, fail: reject });
      }),
  });
  const tick = () => new Promise((resolve) => setImmediate(resolve));
  const run = (s: string): Run => {
    const r = runs.get(s);
    if (!r) throw new Error(`${s} did not start`);
    return r;
  };
  return { done, log, held, told, tick, run };
}

const healthy = (service: string): StartAfter => ({ service, until: 'ready', because: 'service_healthy' });
const started = (service: string): StartAfter => ({ service, until: 'started', because: 'service_started' });

describe('runInDependencyOrder', () => {
  it('starts each service when its dependencies are ready, not when a level is done', async () => {
    // db ← api (healthy); slow ← report (healthy): api need not wait for slow.
    const h = harness({ db: [], slow: [], api: [healthy('db')], report: [healthy('slow')] });
    await h.tick();
    expect(h.log).toEqual(['start db', 'start slow']);
    expect(h.held).toEqual(['api<-db', 'report<-slow']);
    h.run('db').started();
    await h.tick();
    expect(h.log).toEqual(['start db', 'start slow']);
    h.run('db').pass();
    await h.tick();
    expect(h.log).toEqual(['start db', 'start slow', 'start api']);
    h.run('api').pass();
    h.run('slow').pass();
    await h.tick();
    h.run('report').pass();
    expect(await h.done).toEqual({ ok: true });
  });

  it('starts a service_started dependent once the dependency’s container runs', async () => {
    const h = harness({ queue: [], worker: [started('queue')] });
    await h.tick();
    h.run('queue').started();
    await h.tick();
    expect(h.log).toEqual(['start queue', 'start worker']);
    h.run('worker').pass();
    h.run('queue').pass();
    expect(await h.done).toEqual({ ok: true });
  });

  it('reports the first failure, aborts the others, and starts nothing more', async () => {
    const h = harness({ db: [], cache: [], api: [healthy('db')] });
    await h.tick();
    const boom = new Error('db unhealthy');
    h.run('db').fail(boom);
    expect(await h.done).toEqual({ ok: false, service: 'db', error: boom });
    expect(h.log).toContain('abort cache');
    expect(h.log).not.toContain('start api');
  });

  it('keeps to the limit', async () => {
    const h = harness({ a: [], b: [], c: [] }, 2);
    await h.tick();
    expect(h.log).toEqual(['start a', 'start b']);
    h.run('b').pass();
    await h.tick();
    expect(h.log).toEqual(['start a', 'start b', 'start c']);
    h.run('a').pass();
    h.run('c').pass();
    expect(await h.done).toEqual({ ok: true });
  });

  it('resolves at once with nothing to run', async () => {
    expect(await harness({}).done).toEqual({ ok: true });
  });

  it('tells once when each service started, before its dependents may start', async () => {
    const h = harness({ db: [], api: [started('db')] });
    await h.tick();
    h.run('db').started();
    h.run('db').started();
    await h.tick();
    expect(h.told).toEqual(['started db']);
    expect(h.log).toEqual(['start db', 'start api']);
    h.run('db').pass();
    h.run('api').pass();
    expect(await h.done).toEqual({ ok: true });
  });
});
