export { isLevel, LEVELS, type Level, type LevelConfig, levelFromFlags, levelsFromEnv } from './levels.js';
export { createLoggers, type Logger, type Loggers, REDACT_PATHS } from './logger.js';
