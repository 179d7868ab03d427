import { exactKey, hostKey, keyValueKey, splitHostEntry } from './keys.js';
import { cloneValue, isAbsent, isMapping, isScalar, type Mapping, type Rule, setEntry } from './util.js';

/*
 * Rules for sequences of unique resources and for mappings that may also be written as lists. Every rule
 * follows the same fallbacks: a null/absent override keeps the base, and when either side has a shape the
 * rule does not understand, the override replaces the base.
 */

interface UniqueListOptions {
  /** A lone string stands for a one-entry list (`dns: 8.8.8.8`, `env_file: .env`). */
  readonly scalarIsList?: boolean;
  /** Entries with the same key are merged as mappings (ipam.config) instead of replaced. */
  readonly mergeSame?: boolean;
}

/**
 * A sequence of unique entries: base entries first, in order; an entry whose key was already seen replaces
 * the earlier one in place (compose-go EnforceUnicity), new entries are appended.
 */
export function uniqueList(key: (entry: unknown) => string, options: UniqueListOptions = {}): Rule {
  const asList = (value: unknown): unknown[] | undefined => {
    if (Array.isArray(value)) return value;
    return options.scalarIsList && typeof value === 'string' ? [value] : undefined;
  };
  return {
    entryKey: key,
    merge(base, override, path, recurse) {
      if (isAbsent(override)) return cloneValue(base);
      const b = asList(base);
      const o = asList(override);
      if (b === undefined || o === undefined) return cloneValue(override);
      const out: unknown[] = [];
      const index = new Map<string, number>();
      for (const entry of [...b, ...o]) {
        const k = key(entry);
        const at = index.get(k);
        if (at === undefined) {
          index.set(k, out.push(cloneValue(entry)) - 1);
        } else {
          out[at] = options.mergeSame ? recurse(out[at], entry, [...path, k]) : cloneValue(entry);
        }
      }
      return out;
    },
  };
}

/** Mapping keys in base order, then the override's new keys; override values replace (null included). */
function overlay(base: Mapping, override: Mapping): Mapping {
  const out: Mapping = {};
  for (const [k, v] of Object.entries(base)) setEntry(out, k, Object.hasOwn(override, k) ? override[k] : v);
  for (const [k, v] of Object.entries(override)) if (!Object.hasOwn(base, k)) setEntry(out, k, v);
  return cloneValue(out);
}

function allScalars(list: readonly unknown[]): list is readonly (string | number | boolean | bigint)[] {
  return list.every(isScalar);
}

/** `['A=1', 'B']` → `{A: '1', B: null}`; undefined when the list holds something other than scalars. */
function keyValueMapping(value: unknown): Mapping | undefined {
  if (isMapping(value)) return value;
  if (!Array.isArray(value) || !allScalars(value)) return undefined;
  const out: Mapping = {};
  for (const entry of value) {
    const text = String(entry);
    const eq = text.indexOf('=');
    if (eq < 0) setEntry(out, text, null);
    else setEntry(out, text.slice(0, eq), text.slice(eq + 1));
  }
  return out;
}

/**
 * environment, labels, annotations, sysctls, build.args...: `KEY=VALUE` lists or mappings. Two lists stay a
 * list (unique by KEY, override wins in place); two mappings, or one of each, give a mapping.
 */
export const keyValueRule: Rule = {
  entryKey: keyValueKey,
  merge(base, override, path, recurse) {
    if (isAbsent(override)) return cloneValue(base);
    if (Array.isArray(base) && Array.isArray(override)) {
      if (!allScalars(base) || !allScalars(override)) return cloneValue(override);
      return uniqueList(keyValueKey).merge(base, override, path, recurse);
    }
    const b = keyValueMapping(base);
    const o = keyValueMapping(override);
    return b === undefined || o === undefined ? cloneValue(override) : overlay(b, o);
  },
};

/** `['h=1.2.3.4', 'h:::1']` → `{h: ['1.2.3.4', '::1']}`: several addresses for one host become a list. */
function hostMapping(value: unknown): Mapping | undefined {
  if (isMapping(value)) return value;
  if (!Array.isArray(value) || !value.every((e) => typeof e === 'string')) return undefined;
  const out: Mapping = {};
  for (const entry of value) {
    const { host, ip } = splitHostEntry(entry);
    const previous = Object.hasOwn(out, host) ? out[host] : undefined;
    if (ip === null || isAbsent(previous)) setEntry(out, host, ip);
    else setEntry(out, host, Array.isArray(previous) ? [...previous, ip] : [previous, ip]);
  }
  return out;
}

/**
 * extra_hosts merge by hostname, override wins. Two lists stay a list: the override's entries for a host
 * take the place of the base's entries for it (a host may have several addresses). Mixed forms give a
 * mapping, whose values may be lists of addresses, as the compose spec allows.
 */
export const extraHostsRule: Rule = {
  entryKey: hostKey,
  merge(base, override) {
    if (isAbsent(override)) return cloneValue(base);
    if (Array.isArray(base) && Array.isArray(override)) {
      const replaced = new Map<string, unknown[]>();
      for (const entry of override)
        replaced.set(hostKey(entry), [...(replaced.get(hostKey(entry)) ?? []), entry]);
      const out: unknown[] = [];
      const emitted = new Set<string>();
      for (const entry of base) {
        const host = hostKey(entry);
        const entries = replaced.get(host);
        if (entries === undefined) out.push(entry);
        else if (!emitted.has(host)) {
          emitted.add(host);
          out.push(...entries);
        }
      }
      for (const [host, entries] of replaced) if (!emitted.has(host)) out.push(...entries);
      return cloneValue(out);
    }
    const b = hostMapping(base);
    const o = hostMapping(override);
    return b === undefined || o === undefined ? cloneValue(override) : overlay(b, o);
  },
};

/**
 * depends_on, service networks, service models: a list of names is the mapping whose entries are the given
 * default (`{condition: service_started}` for depends_on, null otherwise). Two lists stay a list (unique
 * names); otherwise both become mappings and entries with the same name merge recursively.
 */
export function namedMapRule(defaultEntry: () => unknown): Rule {
  const toMapping = (value: unknown): Mapping | undefined => {
    if (isMapping(value)) return value;
    if (!Array.isArray(value) || !value.every((e) => typeof e === 'string')) return undefined;
    const out: Mapping = {};
    for (const name of value) setEntry(out, name, defaultEntry());
    return out;
  };
  return {
    entryKey: exactKey,
    merge(base, override, path, recurse) {
      if (isAbsent(override)) return cloneValue(base);
      if (Array.isArray(base) && Array.isArray(override) && [...base, ...override].every(isScalar)) {
        return uniqueList(exactKey).merge(base, override, path, recurse);
      }
      const b = toMapping(base);
      const o = toMapping(override);
      if (b === undefined || o === undefined) return cloneValue(override);
      const out: Mapping = {};
      for (const [name, value] of Object.entries(b)) {
        setEntry(
          out,
          name,
          Object.hasOwn(o, name) ? recurse(value, o[name], [...path, name]) : cloneValue(value),
        );
      }
      for (const [name, value] of Object.entries(o))
        if (!Object.hasOwn(b, name)) setEntry(out, name, cloneValue(value));
      return out;
    },
  };
}
