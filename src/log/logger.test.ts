import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { describeLevelProblem, levelFromFlags, levelsFromEnv, resolveLevels } from './levels.js';
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
    expect(problems).toEqual([
      { code: 'LOG_COMPONENT_UNKNOWN', variable: 'BERTH_LOG_LEVEL_STORE', value: 'loud' },
    ]);
    expect(levelsFromEnv({}).config.base).toBe('warn');
  });

  it('reports a bad value and a component Berth does not have, never dropping them', () => {
    const { config, problems } = levelsFromEnv(
      { BERTH_LOG_LEVEL: 'verbose', BERTH_LOG_LEVEL_DEPLOY: 'loud', BERTH_LOG_LEVEL_ENGNE: 'debug' },
      'info',
    );
    expect(config).toEqual({ base: 'info', components: {} });
    expect(problems).toEqual([
      { code: 'LOG_LEVEL_INVALID', variable: 'BERTH_LOG_LEVEL', value: 'verbose' },
      { code: 'LOG_LEVEL_INVALID', variable: 'BERTH_LOG_LEVEL_DEPLOY', value: 'loud' },
      { code: 'LOG_COMPONENT_UNKNOWN', variable: 'BERTH_LOG_LEVEL_ENGNE', value: 'debug' },
    ]);
  });

  it('says what is wrong, what is valid, and which component a typo meant', () => {
    expect(
      describeLevelProblem({ code: 'LOG_LEVEL_INVALID', variable: 'BERTH_LOG_LEVEL', value: 'verbose' }),
    ).toBe(
      'error LOG_LEVEL_INVALID: BERTH_LOG_LEVEL=verbose: `verbose` is not a log level\n' +
        '  hint: use one of trace, debug, info, warn, error, fatal, silent\n',
    );
    expect(
      describeLevelProblem({
        code: 'LOG_COMPONENT_UNKNOWN',
        variable: 'BERTH_LOG_LEVEL_ENGNE',
        value: 'debug',
      }),
    ).toContain(
      'hint: did you mean BERTH_LOG_LEVEL_ENGINE? the components are alerts, backup, deploy, engine,',
    );
    expect(
      describeLevelProblem(
        { code: 'LOG_COMPONENT_UNKNOWN', variable: 'BERTH_LOG_LEVEL_XYZZY', value: 'debug' },
        'warning',
      ),
    ).toMatch(/^warning LOG_COMPONENT_UNKNOWN: .*\n {2}hint: the components are alerts, /);
  });

  it('lets --log-level and -v beat BERTH_LOG_LEVEL, with per-component variables on top', () => {
    const env = { BERTH_LOG_LEVEL: 'debug', BERTH_LOG_LEVEL_ENGINE: 'trace' };
    expect(resolveLevels(env, { logLevel: 'error' }, 'info').config).toEqual({
      base: 'error',
      components: { engine: 'trace' },
    });
    expect(resolveLevels(env, { verbose: 1 }, 'info').config.base).toBe('info');
    expect(resolveLevels(env, { verbose: 0 }, 'info').config.base).toBe('debug');
    expect(resolveLevels({}, {}, 'info').config.base).toBe('info');
    expect(resolveLevels({}, { logLevel: 'loud' }, 'info')).toEqual({
      config: { base: 'info', components: {} },
      problems: [{ code: 'LOG_LEVEL_INVALID', variable: '--log-level', value: 'loud' }],
    });
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
    const log = createLoggers({ base: 'info', components: {} }, stream).for('http');
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
