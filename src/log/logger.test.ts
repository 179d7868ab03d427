import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { levelFromFlags, levelsFromEnv } from './levels.js';
import { createLoggers } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

describe('log levels', () => {
  it('reads the base and per-component levels, and reports bad values', () => {
    const { config, problems } = levelsFromEnv({
      BERTH_LOG_LEVEL: 'info',
      BERTH_LOG_LEVEL_ENGINE: 'DEBUG',
      BERTH_LOG_LEVEL_STORE: 'loud',
    });
    expect(config).toEqual({ base: 'info', components: { engine: 'debug' } });
    expect(problems).toEqual([{ variable: 'BERTH_LOG_LEVEL_STORE', value: 'loud' }]);
    expect(levelsFromEnv({}).config.base).toBe('warn');
  });

  it.each([
    [0, undefined, undefined],
    [1, undefined, 'info'],
    [2, undefined, 'debug'],
    [5, undefined, 'trace'],
    [2, 'error', 'error'],
    [0, 'nope', undefined],
  ] as const)('-v ×%d with --log-level %s → %s', (v, explicit, expected) => {
    expect(levelFromFlags(v, explicit)).toBe(expected);
  });
});

describe('loggers', () => {
  it('logs JSON per component at its own level', () => {
    const { lines, stream } = capture();
    const loggers = createLoggers({ base: 'warn', components: { deploy: 'debug' } }, stream);
    loggers.for('deploy').debug({ stack: 'shop' }, 'planned');
    loggers.for('engine').info('hidden at warn');
    loggers.for('engine').warn('shown');
    expect(lines.map((l) => [l.component, l.msg])).toEqual([
      ['deploy', 'planned'],
      ['engine', 'shown'],
    ]);
    expect(lines[0]?.stack).toBe('shop');
  });

  it('redacts secrets in structured fields', () => {
    const { lines, stream } = capture();
    const log = createLoggers({ base: 'info', components: {} }, stream).for('api');
    log.info(
      { password: 'hunter2', headers: { authorization: 'Bearer abc' }, spec: { env: { DB_PASSWORD: 'x' } } },
      'request',
    );
    const text = JSON.stringify(lines);
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('Bearer abc');
    expect(text).not.toMatch(/"DB_PASSWORD":"x"/);
  });
});
