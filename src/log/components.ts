import { closest, distance } from 'fastest-levenshtein';

/**
 * The components Berth logs under, each with its own `BERTH_LOG_LEVEL_<COMPONENT>`. A fixed set:
 * `Loggers.for` takes only these, so a level variable naming another one is a typo, reported.
 */
export const COMPONENTS = [
  'alerts',
  'backup',
  'deploy',
  'engine',
  'health',
  'http',
  'jobs',
  'server',
  'web',
] as const;
export type Component = (typeof COMPONENTS)[number];

export const isComponent = (value: string): value is Component =>
  (COMPONENTS as readonly string[]).includes(value);

/** The known component a misspelt one most likely meant (`engne` → `engine`), if one is close. */
export function nearestComponent(name: string): Component | undefined {
  const best = closest(name, [...COMPONENTS]) as Component;
  const limit = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
  return distance(name, best) <= limit ? best : undefined;
}
