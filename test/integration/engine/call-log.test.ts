import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { connectEngine } from '../../../src/engine/index.js';
import { createLoggers, type Level } from '../../../src/log/index.js';

// BERTH_LOG_LEVEL_ENGINE=debug: one debug line per Engine API call, against the real dockerd.

/** The JSON lines the `engine` component wrote while `work` ran, at `engine` level `level`. */
async function engineLines(
  level: Level,
  work: (engine: Awaited<ReturnType<typeof connectEngine>>) => Promise<unknown>,
) {
  const lines: Record<string, unknown>[] = [];
  const loggers = createLoggers(
    { base: 'info', components: { engine: level } },
    new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    }),
  );
  const engine = await connectEngine({ logger: loggers.for('engine') });
  await work(engine).catch(() => undefined);
  return lines;
}

describe('engine calls in the log', () => {
  it('at debug: each call with its method, path, status and duration', async () => {
    const lines = await engineLines('debug', (engine) =>
      engine.containers.inspect('berth-test-no-such-container'),
    );
    const calls = lines.map((l) => [l.level, l.component, l.method, l.path, l.status]);
    expect(calls).toContainEqual([20, 'engine', 'GET', '/version', 200]);
    expect(calls).toContainEqual([20, 'engine', 'GET', '/containers/<name>/json', 404]);
    const missing = lines.find((l) => l.status === 404);
    expect(missing?.msg).toMatch(/^engine GET \/containers\/<name>\/json → 404 in \d+ ms$/);
    expect(typeof missing?.ms).toBe('number');
  });

  it('at info: none', async () => {
    const lines = await engineLines('info', (engine) =>
      engine.containers.inspect('berth-test-no-such-container'),
    );
    expect(lines).toEqual([]);
  });
});
