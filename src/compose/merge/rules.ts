import {
  deviceKey,
  exactKey,
  exposeKey,
  fieldKey,
  fileKey,
  mountKey,
  portKey,
  tmpfsKey,
  volumeKey,
} from './keys.js';
import { extraHostsRule, keyValueRule, namedMapRule, uniqueList } from './lists.js';
import { cloneValue, isAbsent, isMapping, type Mapping, type Path, type Rule, setEntry } from './util.js';

/** Where a service body sits in a compose document, for rule lookup when merging a lone service. */
export const SERVICE_ROOT: readonly string[] = ['services', '*'];

/** Guards against runaway recursion on cyclic inputs (YAML aliases to an ancestor). */
const MAX_DEPTH = 64;

/** The value is replaced, never merged; an explicit null in the override is kept (it means "image default"). */
const replaceRule: Rule = { merge: (_base, override) => cloneValue(override) };

/** The value is replaced as a whole, but a null override keeps the base. */
const replaceUnlessNullRule: Rule = {
  merge: (base, override) => cloneValue(isAbsent(override) ? base : override),
};

/** Logging options merge only when both sides use the same driver (or one names none). */
const loggingRule: Rule = {
  merge(base, override, path) {
    if (isAbsent(override)) return cloneValue(base);
    if (!isMapping(base) || !isMapping(override)) return cloneValue(override);
    const differ = !isAbsent(base.driver) && !isAbsent(override.driver) && base.driver !== override.driver;
    return differ ? cloneValue(override) : mergeMappings(base, override, path);
  },
};

/** `build: ./dir` is `build: {context: ./dir}`; two strings stay a string. */
const buildRule: Rule = {
  merge(base, override, path) {
    if (isAbsent(override)) return cloneValue(base);
    if (typeof base === 'string' && typeof override === 'string') return override;
    const asMapping = (v: unknown): Mapping | undefined =>
      typeof v === 'string' ? { context: v } : isMapping(v) ? v : undefined;
    const b = asMapping(base);
    const o = asMapping(override);
    return b === undefined || o === undefined ? cloneValue(override) : mergeMappings(b, o, path);
  },
};

const unique = uniqueList(exactKey);
const uniqueOrString = uniqueList(exactKey, { scalarIsList: true });
const byPath = uniqueList(fieldKey('path'));

const SERVICE_RULES: Readonly<Record<string, Rule>> = {
  command: replaceRule,
  entrypoint: replaceRule,
  'healthcheck.test': replaceRule,
  ports: uniqueList(portKey),
  volumes: uniqueList(volumeKey),
  secrets: uniqueList(mountKey('/run/secrets')),
  configs: uniqueList(mountKey('')),
  devices: uniqueList(deviceKey),
  expose: uniqueList(exposeKey),
  env_file: uniqueList(fileKey, { scalarIsList: true }),
  label_file: uniqueList(fileKey, { scalarIsList: true }),
  tmpfs: uniqueList(tmpfsKey, { scalarIsList: true }),
  dns: uniqueOrString,
  dns_search: uniqueOrString,
  dns_opt: unique,
  cap_add: unique,
  cap_drop: unique,
  security_opt: unique,
  group_add: unique,
  external_links: unique,
  links: unique,
  volumes_from: unique,
  device_cgroup_rules: unique,
  profiles: unique,
  environment: keyValueRule,
  labels: keyValueRule,
  annotations: keyValueRule,
  sysctls: keyValueRule,
  extra_hosts: extraHostsRule,
  depends_on: namedMapRule(() => ({ condition: 'service_started' })),
  networks: namedMapRule(() => null),
  models: namedMapRule(() => null),
  'networks.*.aliases': unique,
  'networks.*.link_local_ips': unique,
  logging: loggingRule,
  build: buildRule,
  'build.args': keyValueRule,
  'build.labels': keyValueRule,
  'build.additional_contexts': keyValueRule,
  'build.ssh': keyValueRule,
  'build.extra_hosts': extraHostsRule,
  'build.secrets': uniqueList(mountKey('/run/secrets')),
  'build.tags': unique,
  'build.platforms': unique,
  'build.cache_from': unique,
  'build.cache_to': unique,
  'build.entitlements': unique,
  'ulimits.*': replaceUnlessNullRule,
  'deploy.labels': keyValueRule,
  'deploy.placement.constraints': unique,
  'deploy.placement.preferences': unique,
  'blkio_config.weight_device': byPath,
  'blkio_config.device_read_bps': byPath,
  'blkio_config.device_write_bps': byPath,
  'blkio_config.device_read_iops': byPath,
  'blkio_config.device_write_iops': byPath,
};

const TOP_LEVEL_RULES: Readonly<Record<string, Rule>> = {
  'networks.*.labels': keyValueRule,
  'networks.*.ipam.config': uniqueList(fieldKey('subnet'), { mergeSame: true }),
  'volumes.*.labels': keyValueRule,
  'secrets.*.labels': keyValueRule,
  'configs.*.labels': keyValueRule,
};

const RULES: readonly { readonly pattern: readonly string[]; readonly rule: Rule }[] = [
  ...Object.entries(SERVICE_RULES).map(([p, rule]) => ({
    pattern: [...SERVICE_ROOT, ...p.split('.')],
    rule,
  })),
  ...Object.entries(TOP_LEVEL_RULES).map(([p, rule]) => ({ pattern: p.split('.'), rule })),
];

export function ruleAt(path: Path): Rule | undefined {
  for (const { pattern, rule } of RULES) {
    if (pattern.length === path.length && pattern.every((seg, i) => seg === '*' || seg === String(path[i]))) {
      return rule;
    }
  }
  return undefined;
}

/**
 * Merges `override` onto `base` at `path`: the rule for the path if any, else mappings merge by key,
 * sequences append (compose-spec default), and scalars or mismatched shapes take the override. A
 * null/absent override keeps the base, as compose-go does.
 */
export function mergeValue(base: unknown, override: unknown, path: Path): unknown {
  if (base === undefined || path.length > MAX_DEPTH) return cloneValue(override);
  const rule = ruleAt(path);
  if (rule !== undefined) return rule.merge(base, override, path, mergeValue);
  if (isAbsent(override)) return cloneValue(base);
  if (isMapping(base) && isMapping(override)) return mergeMappings(base, override, path);
  if (Array.isArray(base) && Array.isArray(override)) return cloneValue([...base, ...override]);
  return cloneValue(override);
}

/** Base keys first, in order, then keys only the override has. */
export function mergeMappings(base: Mapping, override: Mapping, path: Path): Mapping {
  const out: Mapping = {};
  const overrides = (k: string): boolean => Object.hasOwn(override, k) && override[k] !== undefined;
  for (const [k, v] of Object.entries(base)) {
    setEntry(out, k, overrides(k) ? mergeValue(v, override[k], [...path, k]) : cloneValue(v));
  }
  for (const [k, v] of Object.entries(override)) {
    if (!Object.hasOwn(base, k) && v !== undefined) setEntry(out, k, cloneValue(v));
  }
  return out;
}
