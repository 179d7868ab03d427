import type { z } from 'zod';
import { didYouMean, SpecCode } from '../diagnostics.js';
import { type BerthIssueParams, isRecord, type PathKey } from './common.js';

/** One schema problem at a path of the document, before it gets a file position. */
export interface SchemaFinding {
  code: SpecCode;
  path: (string | number)[];
  /** Point at the key (unknown, missing or badly named) or at its value. */
  at: 'key' | 'value';
  message: string;
  hint: string;
}

type Issue = z.core.$ZodIssue;

const EXPECTED: Readonly<Record<string, string>> = {
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  null: 'an empty value',
};

const RECEIVED: Readonly<Record<string, string>> = {
  array: 'a list',
  object: 'a mapping',
  null: 'an empty value',
  undefined: 'nothing',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
};

/** `services.web.ports[0]`; keys that are not plain words are quoted (`labels["traefik.enable"]`). */
export function formatPath(path: readonly PathKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out || '(top level)';
}

function valueAt(input: unknown, path: readonly PathKey[]): { found: boolean; value: unknown } {
  let current: unknown = input;
  for (const key of path) {
    if (Array.isArray(current) && typeof key === 'number') current = current[key];
    else if (isRecord(current) && typeof key === 'string' && Object.hasOwn(current, key))
      current = current[key];
    else return { found: false, value: undefined };
  }
  return { found: true, value: current };
}

function describe(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return 'nothing';
}

/** What was received: the input when known, else the type zod names in its message. */
function received(issue: Issue, input: unknown, path: readonly PathKey[]): string | undefined {
  if ('input' in issue && issue.input !== undefined) return describe(issue.input);
  if (input !== undefined) {
    const at = valueAt(input, path);
    if (at.found) return describe(at.value);
  }
  const name = /received (\w+)/.exec(issue.message)?.[1];
  return name === undefined ? undefined : (RECEIVED[name] ?? name);
}

function isMissing(issue: Issue, input: unknown, path: readonly PathKey[]): boolean {
  if (input !== undefined) return !valueAt(input, path).found;
  return /received undefined/.test(issue.message);
}

function orList(items: readonly string[]): string {
  const unique = [...new Set(items)];
  if (unique.length <= 1) return unique[0] ?? 'something else';
  return `${unique.slice(0, -1).join(', ')} or ${unique[unique.length - 1]}`;
}

function missingKey(path: readonly PathKey[], hint?: string): SchemaFinding {
  const key = String(path[path.length - 1]);
  return {
    code: SpecCode.MissingKey,
    path: [...path],
    at: 'key',
    message: `${formatPath(path.slice(0, -1))}: missing required key \`${key}\``,
    hint: hint || `add \`${key}:\``,
  };
}

function unknownKey(path: readonly PathKey[], params: BerthIssueParams): SchemaFinding {
  const key = params.key ?? String(path[path.length - 1]);
  const suggestion = didYouMean(key, params.candidates ?? []);
  const fallback = params.allowExtensions
    ? `remove it, or rename it to \`x-${key}\` to keep it as an extension`
    : 'remove it';
  return {
    code: SpecCode.UnknownKey,
    path: [...path],
    at: 'key',
    message: `${formatPath(path.slice(0, -1))}: unknown key \`${key}\``,
    hint: suggestion === '' ? fallback : `${suggestion} (or ${fallback})`,
  };
}

/** A union branch that failed only because the value has another type (`expected string, got list`). */
function isTypeMismatch(branch: readonly Issue[]): boolean {
  return branch.every((i) => i.path.length === 0 && i.code === 'invalid_type');
}

function fromUnion(
  issue: Extract<Issue, { code: 'invalid_union' }>,
  input: unknown,
  path: PathKey[],
): SchemaFinding[] {
  const candidates = issue.errors.filter((branch) => !isTypeMismatch(branch));
  if (candidates.length > 0) {
    // The value has the right type for these branches: the real problem is inside the closest one.
    const best = candidates.reduce((a, b) => (b.length < a.length ? b : a));
    return best.flatMap((inner) => fromIssue(inner, input, [...path, ...(inner.path as PathKey[])]));
  }
  if (isMissing(issue, input, path)) return [missingKey(path)];
  const expected = issue.errors.flatMap((branch) =>
    branch.flatMap((i) => (i.code === 'invalid_type' ? [EXPECTED[i.expected] ?? i.expected] : [])),
  );
  const got = received(issue, input, path);
  return [
    {
      code: SpecCode.InvalidType,
      path,
      at: 'value',
      message: `${formatPath(path)}: expected ${orList(expected)}${got === undefined ? '' : `, got ${got}`}`,
      hint: `write ${orList(expected)} here`,
    },
  ];
}

function fromIssue(issue: Issue, input: unknown, path: PathKey[]): SchemaFinding[] {
  const where = formatPath(path);
  switch (issue.code) {
    case 'invalid_union':
      return fromUnion(issue, input, path);
    case 'invalid_type': {
      if (isMissing(issue, input, path)) return [missingKey(path)];
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      const got = received(issue, input, path);
      return [
        {
          code: SpecCode.InvalidType,
          path,
          at: 'value',
          message: `${where}: expected ${expected}${got === undefined ? '' : `, got ${got}`}`,
          hint: `write ${expected} here`,
        },
      ];
    }
    case 'invalid_value': {
      const allowed = issue.values.map(String);
      const at = input === undefined ? undefined : valueAt(input, path);
      const value = at?.found ? at.value : undefined;
      const suggestion = typeof value === 'string' ? didYouMean(value, allowed) : '';
      return [
        {
          code: SpecCode.InvalidValue,
          path,
          at: 'value',
          message: `${where}: invalid value${at?.found ? ` ${JSON.stringify(value)}` : ''}`,
          hint: `${suggestion === '' ? '' : `${suggestion} `}allowed values: ${allowed.join(', ')}`,
        },
      ];
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? `at least ${issue.minimum}` : `at most ${issue.maximum}`;
      return [
        {
          code: SpecCode.InvalidValue,
          path,
          at: 'value',
          message: `${where}: must be ${bound}`,
          hint: `write a value of ${bound}`,
        },
      ];
    }
    case 'custom': {
      const params = issue.params as BerthIssueParams | undefined;
      if (params?.berth === SpecCode.UnknownKey) return [unknownKey(path, params)];
      if (params?.berth === SpecCode.MissingKey) return [missingKey(path, params.hint)];
      return [
        {
          code: params?.berth ?? SpecCode.InvalidValue,
          path,
          at: params?.at ?? 'value',
          message: `${where}: ${issue.message}`,
          hint: params?.hint ?? '',
        },
      ];
    }
    default:
      return [
        { code: SpecCode.InvalidValue, path, at: 'value', message: `${where}: ${issue.message}`, hint: '' },
      ];
  }
}

/**
 * Maps the issues of a failed `ComposeFileSchema` parse to Berth findings: one finding per real
 * problem (a union yields the problem of the branch that matched the value's type, or one "expected
 * X or Y" when none did). Pass the document that was parsed as `input` to name the offending values
 * in messages; without it the messages still name the key and the kind of value.
 */
export function schemaFindings(error: z.ZodError, input?: unknown): SchemaFinding[] {
  const findings = error.issues.flatMap((issue) => fromIssue(issue, input, [...(issue.path as PathKey[])]));
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.code}|${f.path.join('\u0000')}|${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
