/** Log levels pino knows, most verbose first. */
export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type Level = (typeof LEVELS)[number];

export const isLevel = (value: string): value is Level => (LEVELS as readonly string[]).includes(value);

export interface LevelConfig {
  readonly base: Level;
  /** Per component (`deploy`, `engine`, `store`…), lower-case. */
  readonly components: Readonly<Record<string, Level>>;
}

export interface LevelProblem {
  readonly variable: string;
  readonly value: string;
}

/**
 * `BERTH_LOG_LEVEL` sets the base level, `BERTH_LOG_LEVEL_<COMPONENT>` one component's. Read once at
 * the composition root; unknown values are returned as problems (the caller says so), never ignored.
 */
export function levelsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  fallback: Level = 'warn',
): { config: LevelConfig; problems: LevelProblem[] } {
  const problems: LevelProblem[] = [];
  const read = (variable: string, value: string): Level | undefined => {
    const v = value.trim().toLowerCase();
    if (isLevel(v)) return v;
    problems.push({ variable, value });
    return undefined;
  };
  const base =
    env.BERTH_LOG_LEVEL !== undefined ? (read('BERTH_LOG_LEVEL', env.BERTH_LOG_LEVEL) ?? fallback) : fallback;
  const components: Record<string, Level> = {};
  for (const [key, value] of Object.entries(env)) {
    const m = /^BERTH_LOG_LEVEL_([A-Z0-9_]+)$/.exec(key);
    if (!m?.[1] || value === undefined) continue;
    const level = read(key, value);
    if (level) components[m[1].toLowerCase()] = level;
  }
  return { config: { base, components }, problems };
}

/** `-v` once: info, twice: debug, three times: trace; an explicit `--log-level` wins. */
export function levelFromFlags(verbosity: number, explicit?: string): Level | undefined {
  if (explicit !== undefined) return isLevel(explicit) ? explicit : undefined;
  if (verbosity <= 0) return undefined;
  return verbosity === 1 ? 'info' : verbosity === 2 ? 'debug' : 'trace';
}
