import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src/engine/model.js';
import { RUN_LABEL, startRun, type TestRun } from './support.js';

let run: TestRun;

beforeAll(async () => {
  run = await startRun();
});

afterAll(async () => {
  await run?.cleanup();
});

describe('events', () => {
  it('streams start and die of a labelled container until aborted', async () => {
    const { engine } = run;
    const controller = new AbortController();
    const bound = AbortSignal.any([controller.signal, AbortSignal.timeout(20_000)]);
    const since = Date.now() - 1000;
    const stream = engine.events.stream(
      {
        filters: {
          types: ['container'],
          labels: { [RUN_LABEL]: run.id },
          actions: ['create', 'start', 'die'],
        },
        since,
      },
      bound,
    );
    const { id } = await engine.containers.create(
      run.spec('evented', {
        command: ['sh', '-c', 'exit 4'],
        labels: run.labels({ 'dev.berth.service': 'ev' }),
      }),
    );
    await engine.containers.start(id);

    const seen: EngineEvent[] = [];
    for await (const event of stream) {
      seen.push(event);
      if (event.action === 'die') controller.abort();
    }
    expect(bound.aborted && !controller.signal.aborted).toBe(false);
    expect(seen.map((e) => e.action)).toEqual(['create', 'start', 'die']);
    for (const event of seen) {
      expect(event).toMatchObject({ type: 'container', id, name: run.name('evented') });
      expect(event.labels).toMatchObject({ [RUN_LABEL]: run.id, 'dev.berth.service': 'ev' });
      expect(event.labels).not.toHaveProperty('image');
      expect(event.time).toBeGreaterThanOrEqual(since);
    }
    expect(seen.at(-1)?.exitCode).toBe(4);
  });

  it('splits health_status events into action and detail', async () => {
    const { engine } = run;
    const controller = new AbortController();
    const bound = AbortSignal.any([controller.signal, AbortSignal.timeout(20_000)]);
    const stream = engine.events.stream(
      { filters: { types: ['container'], labels: { [RUN_LABEL]: run.id } }, since: Date.now() - 1000 },
      bound,
    );
    const { id } = await engine.containers.create(
      run.spec('healthy', { healthcheck: { test: ['CMD', 'true'], intervalMs: 500 } }),
    );
    await engine.containers.start(id);
    let health: EngineEvent | undefined;
    for await (const event of stream) {
      if (event.id === id && event.action === 'health_status') {
        health = event;
        controller.abort();
      }
    }
    expect(health).toMatchObject({ action: 'health_status', actionDetail: 'healthy' });
  });
});
