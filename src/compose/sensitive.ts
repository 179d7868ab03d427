import { isSecretName } from '../secrets/detect.js';
import type { Lookup } from './load/interpolate.js';
import type { ComposeFile } from './schema/model.js';

/**
 * Values never to show, wherever they appear (output, logs, errors): what the project's `.env`
 * (or env files) holds, what each service's env files hold, and secret-looking variables and
 * build arguments.
 */
export interface SensitiveValues {
  readonly project: readonly string[];
  readonly services: Readonly<Record<string, readonly string[]>>;
}

interface ProjectEnv {
  readonly vars: Readonly<Record<string, string>>;
  readonly lookup: Lookup;
}

/**
 * The lookup a stack's files are interpolated with, noting what they use: `values()` is then the
 * project's secret values — everything its `.env` holds (as written, and as looked up, when the
 * caller's environment overrides it), the values of the secret-looking variables the files use, and
 * the defaults those took (`${API_TOKEN:-sk_live_…}` is as secret as a value).
 */
export function secretsTracker(env: ProjectEnv): { lookup: Lookup; values: () => string[] } {
  const used = new Set<string>();
  const defaults: string[] = [];
  const lookup: Lookup = Object.assign(
    (name: string) => {
      used.add(name);
      return env.lookup(name);
    },
    {
      defaulted: (name: string, value: string) => {
        if (isSecretName(name)) defaults.push(value);
      },
    },
  );
  const values = () =>
    [
      ...Object.values(env.vars),
      ...Object.keys(env.vars).map((name) => env.lookup(name)),
      ...[...used].filter(isSecretName).map((name) => env.lookup(name)),
      ...defaults,
    ].filter((v): v is string => typeof v === 'string');
  return { lookup, values };
}

/** The project's values (`project`), and per service those of its env files, secret-looking variables and build arguments. */
export function sensitiveValues(
  project: readonly string[],
  model: ComposeFile,
  fromFiles: Readonly<Record<string, readonly string[]>>,
): SensitiveValues {
  const services: Record<string, string[]> = {};
  for (const [name, service] of Object.entries(model.services ?? {})) {
    // Secret-looking variables, and build arguments (`build.args: {GITHUB_TOKEN: …}`): a build step
    // may print them, and the config and plan show only their names.
    const named = [...Object.entries(service.environment ?? {}), ...Object.entries(service.build?.args ?? {})]
      .filter(([key, value]) => isSecretName(key) && typeof value === 'string')
      .map(([, value]) => String(value));
    services[name] = [...new Set([...(fromFiles[name] ?? []), ...named])];
  }
  return { project: [...new Set(project)], services };
}

/** Every value of the stack never to show: the project's and every service's. */
export function everySensitiveValue(sensitive: SensitiveValues): string[] {
  return [...sensitive.project, ...Object.values(sensitive.services).flat()];
}
