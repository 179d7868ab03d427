import { COMPONENTS, type Component, isComponent, nearestComponent } from './components.js';

/** Log levels pino knows, most verbose first. */
export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type Level = (typeof LEVELS)[number];

export const isLevel = (value: string): value is Level => (LEVELS as readonly string[]).includes(value);

export interface LevelConfig {
  readonly base: Level;
  /** Per component (`deploy`, `engine`, `server`…), lower-case. */
  readonly components: Readonly<Partial<Record<Component, Level>>>;
}

/**
 * A level setting that cannot be used: a value that is not a level (`LOG_LEVEL_INVALID`), or a
 * `BERTH_LOG_LEVEL_<COMPONENT>` naming no component (`LOG_COMPONENT_UNKNOWN`). `variable` is the
 * environment variable, or `--log-level` for the flag.
 */
export interface LevelProblem {
  readonly code: 'LOG_LEVEL_INVALID' | 'LOG_COMPONENT_UNKNOWN';
  readonly variable: string;
  readonly value: string;
}

/** The flags that set the level: `-v` (repeated) and `--log-level`. */
export interface LevelFlags {
  readonly verbose?: number;
  readonly logLevel?: string;
}

/**
 * `BERTH_LOG_LEVEL` sets the base level, `BERTH_LOG_LEVEL_<COMPONENT>` one component's. Read once at
 * the composition root; bad values and unknown components are returned as problems (the caller says
 * so), never ignored.
 */
export function levelsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  fallback: Level = 'warn',
): { config: LevelConfig; problems: LevelProblem[] } {
  const problems: LevelProblem[] = [];
  const read = (variable: string, value: string): Level | undefined => {
    const v = value.trim().toLowerCase();
    if (isLevel(v)) return v;
    problems.push({ code: 'LOG_LEVEL_INVALID', variable, value });
    return undefined;
  };
  const base =
    env.BERTH_LOG_LEVEL !== undefined ? (read('BERTH_LOG_LEVEL', env.BERTH_LOG_LEVEL) ?? fallback) : fallback;
  const components: Partial<Record<Component, Level>> = {};
  for (const [key, value] of Object.entries(env)) {
    const m = /^BERTH_LOG_LEVEL_(.+)$/.exec(key);
    if (!m?.[1] || value === undefined) continue;
    const name = m[1].toLowerCase();
    if (!isComponent(name)) {
      problems.push({ code: 'LOG_COMPONENT_UNKNOWN', variable: key, value });
      continue;
    }
    const level = read(key, value);
    if (level) components[name] = level;
  }
  return { config: { base, components }, problems };
}

/** `-v` once: info, twice: debug, three times: trace; an explicit `--log-level` wins. */
export function levelFromFlags(verbosity: number, explicit?: string): Level | undefined {
  if (explicit !== undefined) {
    const v = explicit.trim().toLowerCase();
    return isLevel(v) ? v : undefined;
  }
  if (verbosity <= 0) return undefined;
  return verbosity === 1 ? 'info' : verbosity === 2 ? 'debug' : 'trace';
}

/**
 * The levels of one run, for every command alike: `--log-level` (or `-v`) sets the base level over
 * `BERTH_LOG_LEVEL`, which is over `fallback`; a `BERTH_LOG_LEVEL_<COMPONENT>` sets that component
 * whatever the base. Problems of the flag and of the environment are all returned.
 */
export function resolveLevels(
  env: Readonly<Record<string, string | undefined>>,
  flags: LevelFlags,
  fallback: Level,
): { config: LevelConfig; problems: LevelProblem[] } {
  const { config, problems } = levelsFromEnv(env, fallback);
  const flagged = levelFromFlags(flags.verbose ?? 0, flags.logLevel);
  if (flags.logLevel !== undefined && flagged === undefined)
    problems.unshift({ code: 'LOG_LEVEL_INVALID', variable: '--log-level', value: flags.logLevel });
  return { config: flagged ? { ...config, base: flagged } : config, problems };
}

/** What is wrong with a level setting (`BERTH_LOG_LEVEL=verbose: …`) and what to do instead. */
export function levelProblemWords(p: LevelProblem): { message: string; hint: string } {
  const setting = p.variable.startsWith('--') ? `${p.variable} ${p.value}` : `${p.variable}=${p.value}`;
  if (p.code === 'LOG_LEVEL_INVALID')
    return {
      message: `${setting}: \`${p.value}\` is not a log level`,
      hint: `use one of ${LEVELS.join(', ')}`,
    };
  const name = p.variable.replace(/^BERTH_LOG_LEVEL_/, '').toLowerCase();
  const near = nearestComponent(name);
  const guess = near ? `did you mean BERTH_LOG_LEVEL_${near.toUpperCase()}? ` : '';
  return {
    message: `${setting}: Berth has no log component \`${name}\``,
    hint: `${guess}the components are ${COMPONENTS.join(', ')}`,
  };
}

/** What is wrong with a level setting and what to do: an `error CODE: …` (or warning) line and a hint line. */
export function describeLevelProblem(p: LevelProblem, severity: 'error' | 'warning' = 'error'): string {
  const { message, hint } = levelProblemWords(p);
  return `${severity} ${p.code}: ${message}\n  hint: ${hint}\n`;
}
