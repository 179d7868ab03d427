import { type DestinationStream, type Logger, pino } from 'pino';
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
  for(component: string): Logger;
}

/**
 * One structured logger, with child loggers per component (`deploy`, `engine`, `store`, `cli`…)
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
    for(component: string) {
      const key = component.toLowerCase();
      let logger = cache.get(key);
      if (!logger) {
        logger = root.child({ component: key }, { level: levels.components[key] ?? levels.base });
        cache.set(key, logger);
      }
      return logger;
    },
  };
}
