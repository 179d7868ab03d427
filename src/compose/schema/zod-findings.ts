import type { z } from 'zod';
import { didYouMean, type SpecCode } from '../diagnostics.js';
import type { Path } from '../load/yaml.js';
import { branchKeys, keysOf, meantBranch } from './union-branch.js';

/** A schema problem at a path, before it is given a file position. */
export interface Finding {
  readonly code: SpecCode;
  readonly path: Path;
  readonly at: 'key' | 'value';
  readonly message: string;
  readonly hint: string;
}

export interface FindingCodes {
  readonly unknownKey: SpecCode;
  readonly invalid: SpecCode;
  readonly missing: SpecCode;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}

const EXPECTED: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
};

function at(input: unknown, path: Path): unknown {
  let current = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

export function dotted(path: Path): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : p))
    .join('.')
    .replace(/\.\[/g, '[');
}

/**
 * Maps zod issues of Berth's own strict schemas (catalog, x-berth sections) to findings with
 * messages that name the key and hints that say what to write instead.
 * Pass the schema to get "did you mean" hints for unknown keys.
 */
export function zodFindings(
  error: Pick<z.ZodError, 'issues'>,
  input: unknown,
  codes: FindingCodes,
  basePath: Path = [],
  schema?: z.ZodType,
): Finding[] {
  const findings: Finding[] = [];
  for (const issue of error.issues) {
    const path = [...basePath, ...(issue.path as (string | number)[])];
    const name = dotted(path) || '(document)';
    const value = at(input, issue.path as (string | number)[]);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = schema ? keysAt(schema, issue.path as (string | number)[]) : [];
        for (const key of issue.keys) findings.push(unknownKey(codes, [...path, key], known));
        break;
      }
      case 'invalid_type': {
        const missing = value === undefined;
        findings.push({
          code: missing ? codes.missing : codes.invalid,
          path,
          at: missing ? 'key' : 'value',
          message: missing
            ? `${name} is required`
            : `${name} must be ${EXPECTED[issue.expected] ?? issue.expected}, got ${describe(value)}`,
          hint: missing
            ? `add \`${String(path[path.length - 1])}\``
            : `write ${EXPECTED[issue.expected] ?? issue.expected} here`,
        });
        break;
      }
      case 'invalid_value':
        findings.push({
          code: codes.invalid,
          path,
          at: 'value',
          message: `${name} must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(value)}`,
          hint:
            didYouMean(String(value), issue.values.map(String)) || `use one of: ${issue.values.join(', ')}`,
        });
        break;
      case 'custom': {
        const params = (issue.params ?? {}) as { hint?: string };
        findings.push({
          code: codes.invalid,
          path,
          at: 'value',
          message: `${name}: ${issue.message}`,
          hint: params.hint ?? '',
        });
        break;
      }
      case 'invalid_union': {
        // Every branch refused the value's type (`[40s]` for a duration): say what it may be.
        const expected = unionTypes(issue);
        if (expected.length > 0) {
          const words = [...new Set(expected.map((e) => EXPECTED[e] ?? e))].join(' or ');
          findings.push({
            code: codes.invalid,
            path,
            at: 'value',
            message: `${name} must be ${words}, got ${describe(value)}`,
            hint: `write ${words} here`,
          });
          break;
        }
        // One branch has the value's shape: what is wrong is inside it, said as for that branch.
        const meant = meantBranch(issue, value);
        if (meant !== undefined) {
          findings.push(...zodFindings({ issues: [...meant] }, value, codes, path));
          break;
        }
        // A mapping that fits none of the union's mappings: say which keys they take.
        const keys = branchKeys(issue, value);
        if (keys.length > 0) findings.push(noBranch(codes, path, name, keys, value));
        else findings.push(fallback(codes, path, name, issue));
        break;
      }
      default:
        findings.push(fallback(codes, path, name, issue));
    }
  }
  return findings;
}

/**
 * The types a union's branches expected, when each refused the value itself for its type (none
 * when a branch got further: a mapping with a wrong key says more than its type).
 */
function unionTypes(issue: z.core.$ZodIssue): string[] {
  const branches = (issue as { errors?: readonly (readonly z.core.$ZodIssue[])[] }).errors ?? [];
  const types: string[] = [];
  for (const branch of branches) {
    const own = branch.filter((i) => i.path.length === 0);
    if (own.length === 0 || own.length !== branch.length) return [];
    for (const i of own) {
      if (i.code !== 'invalid_type') return [];
      types.push(i.expected);
    }
  }
  return types;
}

function noBranch(codes: FindingCodes, path: Path, name: string, keys: string[], value: unknown): Finding {
  const list = keys.map((k) => `\`${k}\``).join(', ');
  const has = keysOf(value);
  const got =
    has === undefined
      ? 'nothing'
      : has.length === 0
        ? 'an empty mapping'
        : `the key${has.length === 1 ? '' : 's'} ${has.map((k) => `\`${String(k)}\``).join(', ')}`;
  return {
    code: codes.invalid,
    path,
    at: 'value',
    message: `${name} must be a mapping with one of ${list}, got ${got}`,
    hint: `write exactly one of ${list} under ${String(path[path.length - 1] ?? 'it')}`,
  };
}

function fallback(codes: FindingCodes, path: Path, name: string, issue: z.core.$ZodIssue): Finding {
  return {
    code: codes.invalid,
    path,
    at: 'value',
    message: `${name}: ${issue.message}`,
    hint: (issue as { params?: { hint?: string } }).params?.hint ?? 'see the documentation of this key',
  };
}

function unknownKey(codes: FindingCodes, path: Path, known: readonly string[]): Finding {
  const key = String(path[path.length - 1]);
  const where = dotted(path.slice(0, -1)) || 'the document';
  const suggestion = didYouMean(key, known);
  return {
    code: codes.unknownKey,
    path,
    at: 'key',
    message: `unknown key \`${key}\` in ${where}`,
    hint: suggestion || (known.length > 0 ? `allowed keys: ${known.join(', ')}` : 'remove this key'),
  };
}

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
};
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The keys a strict object schema allows at `path`, for "did you mean" hints. */
export function keysAt(schema: z.ZodType, path: Path): string[] {
  let current: z.ZodType | undefined = schema;
  let remaining = [...path];
  for (let guard = 0; current && guard < 200; guard++) {
    const def = defOf(current);
    if (def.innerType) current = def.innerType;
    else if (def.type === 'pipe') current = def.in;
    else if (def.type === 'union' && def.options) {
      current = def.options.find((o) => ['object', 'record'].includes(defOf(o).type)) ?? def.options[0];
    } else if (remaining.length === 0)
      return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
    else {
      const [head, ...rest] = remaining;
      remaining = rest;
      if (def.type === 'object') current = def.shape?.[String(head)];
      else if (def.type === 'array') current = def.element;
      else if (def.type === 'record') current = def.valueType;
      else return [];
    }
  }
  return [];
}
