import { type DestinationStream, type Logger, pino } from 'pino';
import type { Component } from './components.js';
import type { LevelConfig } from './levels.js';

export type { Logger };

/** Paths pino redacts in every log line: secrets never reach a log file or a terminal. */
export const REDACT_PATHS = [
  'password',
  '*.password',
  'token',
  '*.token',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'headers.cookie',
  'env.*',
  '*.env.*',
  'spec.env.*',
  'environment.*',
  '*.environment.*',
];

export interface Loggers {
  /** The logger of one component, at its configured level. */
  for(component: Component): Logger;
}

/**
 * One structured logger, with child loggers per component (`deploy`, `engine`, `server`…: COMPONENTS)
 * whose levels come from `BERTH_LOG_LEVEL_<COMPONENT>` or the base level.
 */
export function createLoggers(levels: LevelConfig, destination?: DestinationStream): Loggers {
  const root = pino(
    {
      level: 'trace',
      base: undefined,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination ?? pino.destination({ dest: 2, sync: true }),
  );
  const cache = new Map<string, Logger>();
  return {
    for(component: Component) {
      let logger = cache.get(component);
      if (!logger) {
        logger = root.child({ component }, { level: levels.components[component] ?? levels.base });
        cache.set(component, logger);
      }
      return logger;
    },
  };
}
