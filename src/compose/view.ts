import { maskSecrets } from '../secrets/detect.js';
import { formatDuration } from './schema/units.js';
import type { LoadedStack } from './stack.js';

type Mapping = Record<string, unknown>;
const isMapping = (v: unknown): v is Mapping => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Fields the model keeps in milliseconds; compose writes them as durations (`1m30s`). */
const DURATIONS: Record<string, readonly string[]> = {
  healthcheck: ['interval', 'timeout', 'start_period', 'start_interval'],
  'deploy.restart_policy': ['delay', 'window'],
  'deploy.update_config': ['delay', 'monitor'],
  'deploy.rollback_config': ['delay', 'monitor'],
};

function at(obj: Mapping, dotted: string): Mapping | undefined {
  let current: unknown = obj;
  for (const key of dotted.split('.')) current = isMapping(current) ? current[key] : undefined;
  return isMapping(current) ? current : undefined;
}

/** Puts `x-*` keys back where they were written and drops defaults that only add noise. */
function unwrap(entry: Mapping): Mapping {
  const { extensions, ...rest } = entry;
  const out: Mapping = { ...rest };
  if (out.external === false) delete out.external;
  if (isMapping(out.environment) && Object.keys(out.environment).length === 0) delete out.environment;
  return isMapping(extensions) ? { ...out, ...extensions } : out;
}

function serviceView(service: Mapping): Mapping {
  const out = unwrap(structuredClone(service));
  if (typeof out.stop_grace_period === 'number')
    out.stop_grace_period = formatDuration(out.stop_grace_period);
  for (const [path, fields] of Object.entries(DURATIONS)) {
    const holder = at(out, path);
    if (!holder) continue;
    for (const f of fields) if (typeof holder[f] === 'number') holder[f] = formatDuration(holder[f]);
  }
  if (isMapping(out.healthcheck) && out.healthcheck.disable === false) delete out.healthcheck.disable;
  return out;
}

/**
 * The stack as a compose document (`berth config`): valid compose that Berth and `docker compose`
 * read back to the same model. Secret-looking values are masked unless `reveal` is set.
 */
export function composeView(stack: LoadedStack, options: { reveal?: boolean } = {}): Mapping {
  const model = stack.model as Mapping;
  const view: Mapping = { name: stack.name };
  for (const [key, value] of Object.entries(model)) {
    if (key === 'extensions' || key === 'name') continue;
    if (key === 'services' && isMapping(value)) {
      view.services = Object.fromEntries(
        Object.entries(value).map(([n, s]) => [n, isMapping(s) ? serviceView(s) : s]),
      );
    } else if (['networks', 'volumes', 'secrets', 'configs'].includes(key) && isMapping(value)) {
      view[key] = Object.fromEntries(
        Object.entries(value).map(([n, e]) => [n, isMapping(e) ? unwrap(e) : e]),
      );
    } else view[key] = value;
  }
  if (isMapping(model.extensions)) Object.assign(view, model.extensions);
  return options.reveal ? view : (maskSecrets(view) as Mapping);
}
