export { COMPONENTS, type Component, isComponent } from './components.js';
export { LevelProblemError, LogLevelError, refuseLevelProblems } from './level-error.js';
export {
  describeLevelProblem,
  isLevel,
  LEVELS,
  type Level,
  type LevelConfig,
  type LevelFlags,
  type LevelProblem,
  levelFromFlags,
  levelProblemWords,
  levelsFromEnv,
  resolveLevels,
} from './levels.js';
export { createLoggers, type Logger, type Loggers, REDACT_PATHS } from './logger.js';
