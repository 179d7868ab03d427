/** A key path in a compose document: mapping keys are strings, sequence indexes are numbers. */
export type Path = readonly (string | number)[];

/** Merges two values found at `path` (a path in the merged document, used to pick the rule). */
export type Recurse = (base: unknown, override: unknown, path: Path) => unknown;

/** A merge rule for one place in the document. */
export interface Rule {
  merge(base: unknown, override: unknown, path: Path, recurse: Recurse): unknown;
  /**
   * How entries of this attribute's list form are identified, so that a directive can address one entry
   * by name (`environment.FOO` on a list-form base) or by its index in the override's list.
   */
  readonly entryKey?: (entry: unknown) => string;
}

export type Mapping = Record<string, unknown>;

export function isMapping(value: unknown): value is Mapping {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isAbsent(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

export function isScalar(value: unknown): value is string | number | boolean | bigint {
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' || t === 'bigint';
}

/**
 * Deep copy of plain mappings and sequences, so the merged result never shares (possibly frozen) nodes with
 * the inputs. Shared and cyclic references (YAML aliases) are copied once and stay shared.
 */
export function cloneValue<T>(value: T): T {
  return cloneWith(value, new Map()) as T;
}

function cloneWith(value: unknown, seen: Map<object, unknown>): unknown {
  if (Array.isArray(value)) {
    const known = seen.get(value);
    if (known !== undefined) return known;
    const out: unknown[] = [];
    seen.set(value, out);
    for (const item of value) out.push(cloneWith(item, seen));
    return out;
  }
  if (isMapping(value)) {
    const known = seen.get(value);
    if (known !== undefined) return known;
    const out: Mapping = {};
    seen.set(value, out);
    for (const [k, v] of Object.entries(value)) setEntry(out, k, cloneWith(v, seen));
    return out;
  }
  return value;
}

/** Sets an own entry even for keys such as `__proto__`, which plain assignment would treat specially. */
export function setEntry(target: Mapping, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Canonical text of a value (mapping keys sorted), for keying entries that have no natural key. */
export function stableKey(value: unknown): string {
  return `json:${stringify(value, new Set())}`;
}

function stringify(value: unknown, stack: Set<object>): string {
  if (Array.isArray(value) || isMapping(value)) {
    if (stack.has(value)) return '"<cycle>"';
    stack.add(value);
    const body = Array.isArray(value)
      ? `[${value.map((v) => stringify(v, stack)).join(',')}]`
      : `{${Object.keys(value)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${stringify(value[k], stack)}`)
          .join(',')}}`;
    stack.delete(value);
    return body;
  }
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  return JSON.stringify(value) ?? String(value);
}

export function sameSegment(a: string | number | undefined, b: string | number | undefined): boolean {
  return a !== undefined && b !== undefined && String(a) === String(b);
}
