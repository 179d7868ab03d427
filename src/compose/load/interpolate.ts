/**
 * Compose-spec variable interpolation, following compose-go's `template` package.
 *
 * Deliberate choices where compose-go is quirky or the spec is silent (each one is pinned by a test):
 * - The closing `}` of `${…}` is found by counting every `{` and `}` (current compose-go), so JSON-ish
 *   defaults work: `${A:-{"k":1}}` defaults to `{"k":1}`. An unbalanced `${A:-{}` is a syntax error.
 * - The text after an operator (default, alternative, error message) is interpolated eagerly, whether or
 *   not it is used, exactly as compose-go does: `${SET:-${OTHER:?x}}` fails when OTHER is unset.
 * - A `$` not followed by `$`, `{` or a name start is literal (`a $ b`, `^x$`, `$1`, `$}`).
 * - On a syntax error the whole string is returned unchanged with a single 'syntax' issue (the first one),
 *   since compose refuses the file anyway and a half-substituted string would only mislead.
 */

export interface Lookup {
  (name: string): string | undefined;
  /**
   * Told of each `${NAME:-default}` / `${NAME-default}` that took its default: the value that landed
   * in the file (a secret-looking variable's default is as secret as its value).
   */
  readonly defaulted?: (name: string, value: string) => void;
}
export type Path = readonly (string | number)[];
export type InterpolationIssueKind = 'required' | 'syntax' | 'unset';

/** For 'syntax' issues `variable` holds the offending `${…}` text, since no variable name could be read. */
export interface InterpolationIssue {
  kind: InterpolationIssueKind;
  variable: string;
  message: string;
  /** For a syntax error: what is wrong, without the text (which `message` quotes). */
  reason?: string;
}

export interface PathedInterpolationIssue extends InterpolationIssue {
  path: Path;
}

const NAME_START = /[A-Za-z_]/;
const NAME_PREFIX = /^[A-Za-z_][A-Za-z0-9_]*/;
const OPERATOR_PREFIX = /^(?::-|:\?|:\+|-|\?|\+)/;
/** Far beyond anything hand-written; only guards the call stack against hostile input. */
const MAX_NESTING = 64;
const MAX_QUOTED = 200;

class SyntaxFailure {
  constructor(
    readonly fragment: string,
    readonly reason: string,
  ) {}
}

interface Context {
  readonly lookup: Lookup;
  readonly issues: InterpolationIssue[];
  readonly seen: Set<string>;
}

function report(ctx: Context, kind: InterpolationIssueKind, variable: string, message: string): void {
  const key = `${kind}\u0000${variable}`;
  if (ctx.seen.has(key)) return;
  ctx.seen.add(key);
  ctx.issues.push({ kind, variable, message });
}

/** Index of the `}` closing the `{` at `open`, or -1 when the braces never balance. */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

function resolvePlain(ctx: Context, name: string): string {
  const value = ctx.lookup(name);
  if (value === undefined) {
    report(ctx, 'unset', name, `variable ${name} is not set, defaulting to a blank string`);
    return '';
  }
  return value;
}

function applyOperator(ctx: Context, name: string, op: string, arg: string): string {
  const value = ctx.lookup(name);
  const isSet = value !== undefined;
  const nonEmpty = isSet && value !== '';
  switch (op) {
    case ':-':
    case '-': {
      if (op === ':-' ? nonEmpty : isSet) return value ?? '';
      ctx.lookup.defaulted?.(name, arg);
      return arg;
    }
    case ':+':
      return nonEmpty ? arg : '';
    case '+':
      return isSet ? arg : '';
    default: {
      // ':?' and '?'
      const ok = op === ':?' ? nonEmpty : isSet;
      if (ok) return value ?? '';
      const suffix = arg === '' ? '' : `: ${arg}`;
      report(ctx, 'required', name, `required variable ${name} is missing a value${suffix}`);
      return '';
    }
  }
}

function substituteBraced(ctx: Context, inner: string, fragment: string, depth: number): string {
  const nameMatch = NAME_PREFIX.exec(inner);
  if (nameMatch === null) throw new SyntaxFailure(fragment, 'expected a variable name');
  const name = nameMatch[0];
  const rest = inner.slice(name.length);
  if (rest === '') return resolvePlain(ctx, name);
  const opMatch = OPERATOR_PREFIX.exec(rest);
  if (opMatch === null) throw new SyntaxFailure(fragment, 'expected "}" or an operator after the name');
  const op = opMatch[0];
  const arg = expand(ctx, rest.slice(op.length), depth + 1);
  return applyOperator(ctx, name, op, arg);
}

function expand(ctx: Context, text: string, depth: number): string {
  if (depth > MAX_NESTING) throw new SyntaxFailure(text, 'substitutions are nested too deeply');
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      const close = matchingBrace(text, dollar + 1);
      if (close < 0) throw new SyntaxFailure(text.slice(dollar), 'missing closing "}"');
      const fragment = text.slice(dollar, close + 1);
      out += substituteBraced(ctx, text.slice(dollar + 2, close), fragment, depth);
      i = close + 1;
    } else if (next !== undefined && NAME_START.test(next)) {
      const name = NAME_PREFIX.exec(text.slice(dollar + 1))?.[0] ?? next;
      out += resolvePlain(ctx, name);
      i = dollar + 1 + name.length;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  return out;
}

/** Keeps messages readable when a huge (or hostile) string is at fault. */
function quoteShort(text: string): string {
  return JSON.stringify(text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text);
}

/**
 * Interpolates one string. Values returned by `lookup` are inserted verbatim, never re-interpolated,
 * so a `$` inside an environment value survives.
 */
export function interpolate(input: string, lookup: Lookup): { value: string; issues: InterpolationIssue[] } {
  if (!input.includes('$')) return { value: input, issues: [] };
  const ctx: Context = { lookup, issues: [], seen: new Set() };
  try {
    return { value: expand(ctx, input, 0), issues: ctx.issues };
  } catch (err) {
    if (!(err instanceof SyntaxFailure)) throw err;
    const message =
      `invalid interpolation format for ${quoteShort(input)}: ${quoteShort(err.fragment)} ` +
      `(${err.reason}); hint: use $$ for a literal dollar sign`;
    return {
      value: input,
      issues: [{ kind: 'syntax', variable: err.fragment, message, reason: err.reason }],
    };
  }
}

function isPlainObject(node: object): node is Record<string, unknown> {
  const proto: unknown = Object.getPrototypeOf(node);
  return proto === Object.prototype || proto === null;
}

function walk(
  node: unknown,
  lookup: Lookup,
  path: Path,
  issues: PathedInterpolationIssue[],
  ancestors: Set<object>,
): unknown {
  if (typeof node === 'string') {
    const result = interpolate(node, lookup);
    for (const issue of result.issues) issues.push({ ...issue, path });
    return result.value;
  }
  if (typeof node !== 'object' || node === null) return node;
  // A self-referencing YAML alias can yield a cyclic tree; leave the cycle's back-edge as it is.
  if (ancestors.has(node)) return node;
  if (Array.isArray(node)) {
    ancestors.add(node);
    const out = node.map((item: unknown, index) => walk(item, lookup, [...path, index], issues, ancestors));
    ancestors.delete(node);
    return out;
  }
  if (!isPlainObject(node)) return node;
  ancestors.add(node);
  // fromEntries defines own properties, so a "__proto__" key stays a key instead of replacing the prototype.
  const out = Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, walk(value, lookup, [...path, key], issues, ancestors)]),
  );
  ancestors.delete(node);
  return out;
}

/** Interpolates every string VALUE in a plain JSON-like tree (objects, arrays, scalars). Keys are not interpolated. Returns a new tree; never mutates input. */
export function interpolateTree(
  node: unknown,
  lookup: Lookup,
  path: Path = [],
): { value: unknown; issues: PathedInterpolationIssue[] } {
  const issues: PathedInterpolationIssue[] = [];
  const value = walk(node, lookup, [...path], issues, new Set());
  return { value, issues };
}
