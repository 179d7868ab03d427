// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose interpolation syntax under test, not JS templates
import { describe, expect, it } from 'vitest';
import { type InterpolationIssue, interpolate, interpolateTree, type Lookup } from './interpolate.js';

const ENV: Record<string, string> = {
  SET: 'value',
  EMPTY: '',
  HOME: '/home/u',
  A: 'a',
  B: 'b',
  RAW: 'p@$$w0rd-${SET}-$SET',
  JSON: '{"json":2}',
};

const lookup: Lookup = (name) => (Object.hasOwn(ENV, name) ? ENV[name] : undefined);

/** Issues rendered as "kind:variable" so the table stays readable; messages are checked separately. */
function summary(issues: readonly InterpolationIssue[]): string[] {
  return issues.map((issue) => `${issue.kind}:${issue.variable}`);
}

describe('interpolate: table', () => {
  it.each<[string, string, string[]]>([
    // plain references
    ['$SET', 'value', []],
    ['${SET}', 'value', []],
    ['$EMPTY', '', []],
    ['${EMPTY}', '', []],
    ['$UNSET', '', ['unset:UNSET']],
    ['${UNSET}', '', ['unset:UNSET']],
    ['lower ${set}', 'lower ', ['unset:set']],
    ['no dollar at all', 'no dollar at all', []],
    // :- default when unset or empty
    ['${SET:-def}', 'value', []],
    ['${EMPTY:-def}', 'def', []],
    ['${UNSET:-def}', 'def', []],
    ['${UNSET:-}', '', []],
    // - default only when unset
    ['${SET-def}', 'value', []],
    ['${EMPTY-def}', '', []],
    ['${UNSET-def}', 'def', []],
    // :? required non-empty
    ['${SET:?err}', 'value', []],
    ['x${EMPTY:?err}y', 'xy', ['required:EMPTY']],
    ['${UNSET:?err}', '', ['required:UNSET']],
    // ? required set
    ['${SET?err}', 'value', []],
    ['${EMPTY?err}', '', []],
    ['${UNSET?err}', '', ['required:UNSET']],
    // :+ alternative when non-empty
    ['${SET:+alt}', 'alt', []],
    ['${EMPTY:+alt}', '', []],
    ['${UNSET:+alt}', '', []],
    // + alternative when set
    ['${SET+alt}', 'alt', []],
    ['${EMPTY+alt}', 'alt', []],
    ['${UNSET+alt}', '', []],
    // $$ escapes
    ['$$', '$', []],
    ['$$SET', '$SET', []],
    ['$${SET}', '${SET}', []],
    ['$$$SET', '$value', []],
    ['$$$$', '$$', []],
    ['${UNSET:-$$}', '$', []],
    // nested defaults
    ['${UNSET:-${SET}}', 'value', []],
    ['${UNSET:-${UNSET2:-deep}}', 'deep', []],
    ['${EMPTY:-${UNSET-${A}}}', 'a', []],
    ['${UNSET:-pre-${B}-post}', 'pre-b-post', []],
    ['${UNSET:-$A$B}', 'ab', []],
    ['${SET+$A ${B:+second}}', 'a second', []],
    ['${UNSET:-${UNSET2}}', '', ['unset:UNSET2']],
    // operator characters inside a default are text, the first operator wins
    ['${UNSET:-/non:-alphanumeric}', '/non:-alphanumeric', []],
    ['${UNSET-x?y}', 'x?y', []],
    ['${UNSET?bar-baz}', '', ['required:UNSET']],
    // braces inside defaults are balanced (current compose-go)
    ['${UNSET:-{"json":1}}', '{"json":1}', []],
    ['${JSON:-{"json":1}}', '{"json":2}', []],
    ['${UNSET:-{}}', '{}', []],
    ['${SET:-{x}y}', 'value', []],
    ['${UNSET:-{x}y}', '{x}y', []],
    ['${SET}}', 'value}', []],
    // several substitutions in one string
    ['$A-$B', 'a-b', []],
    ['${A}${B}${SET}', 'abvalue', []],
    ['${SUB:-redis}.${SET:?}', 'redis.value', []],
    ['${A:-x} and ${UNSET} and ${UNSET}', 'a and  and ', ['unset:UNSET']],
    ['$X ${X:?need it}', ' ', ['unset:X', 'required:X']],
    // unbraced names end at the first non-name character
    ['$HOME/x', '/home/u/x', []],
    ['$A.b', 'a.b', []],
    ['$A-b', 'a-b', []],
    ['$A:-x', 'a:-x', []],
    ['$SETx', '', ['unset:SETx']],
    ['$A_B9', '', ['unset:A_B9']],
    // a lone $ is literal
    ['a $ string', 'a $ string', []],
    ['^REGEX$', '^REGEX$', []],
    ['$', '$', []],
    ['$1', '$1', []],
    ['$}', '$}', []],
    ['cost: $ 5', 'cost: $ 5', []],
    // syntax errors leave the whole string unchanged
    ['${}', '${}', ['syntax:${}']],
    ['keep $A ${1A}', 'keep $A ${1A}', ['syntax:${1A}']],
    ['${A B}', '${A B}', ['syntax:${A B}']],
    ['${ A}', '${ A}', ['syntax:${ A}']],
    ['${A }', '${A }', ['syntax:${A }']],
    ['${A!}', '${A!}', ['syntax:${A!}']],
    ['${A:x}', '${A:x}', ['syntax:${A:x}']],
    ['${A', '${A', ['syntax:${A']],
    ['x ${', 'x ${', ['syntax:${']],
    ['${UNSET:-{}', '${UNSET:-{}', ['syntax:${UNSET:-{}']],
    ['${UNSET:-${1}}', '${UNSET:-${1}}', ['syntax:${1}']],
    // substituted values are inserted verbatim, never re-interpolated
    ['$RAW', 'p@$$w0rd-${SET}-$SET', []],
    ['${RAW}', 'p@$$w0rd-${SET}-$SET', []],
    ['${UNSET:-$RAW}', 'p@$$w0rd-${SET}-$SET', []],
    ['${SET:+$RAW}', 'p@$$w0rd-${SET}-$SET', []],
  ])('%j -> %j', (input, value, issues) => {
    const result = interpolate(input, lookup);
    expect(result.value).toBe(value);
    expect(summary(result.issues)).toEqual(issues);
  });
});

describe('interpolate: messages', () => {
  it('names the variable and carries the user text for required variables', () => {
    const { issues } = interpolate('${DB_PASSWORD:?set it}', lookup);
    expect(issues).toEqual([
      {
        kind: 'required',
        variable: 'DB_PASSWORD',
        message: 'required variable DB_PASSWORD is missing a value: set it',
      },
    ]);
  });

  it('omits the colon when the required error text is empty', () => {
    expect(interpolate('${X?}', lookup).issues[0]?.message).toBe('required variable X is missing a value');
    expect(interpolate('${X:?}', lookup).issues[0]?.message).toBe('required variable X is missing a value');
  });

  it('interpolates the required error text', () => {
    expect(interpolate('${X:?need ${A}}', lookup).issues[0]?.message).toBe(
      'required variable X is missing a value: need a',
    );
  });

  it('describes unset variables', () => {
    expect(interpolate('$X', lookup).issues).toEqual([
      { kind: 'unset', variable: 'X', message: 'variable X is not set, defaulting to a blank string' },
    ]);
  });

  it('quotes the input and the bad fragment in syntax errors and hints at $$', () => {
    const message = interpolate('img:${1A}', lookup).issues[0]?.message ?? '';
    expect(message.startsWith('invalid interpolation format for "img:${1A}": "${1A}"')).toBe(true);
    expect(message).toContain('hint: use $$ for a literal dollar sign');
  });

  it('reports only the first syntax error and nothing else for that string', () => {
    const result = interpolate('$UNSET ${1} ${2}', lookup);
    expect(summary(result.issues)).toEqual(['syntax:${1}']);
  });
});

describe('interpolate: evaluation order', () => {
  it('reports each variable once per kind per string', () => {
    const result = interpolate('$X$X${X}${X:?a}${X:?b}', lookup);
    expect(summary(result.issues)).toEqual(['unset:X', 'required:X']);
    expect(result.issues[1]?.message).toBe('required variable X is missing a value: a');
  });

  // compose-go interpolates the operator's text before deciding whether to use it.
  it('evaluates defaults eagerly, so a failing nested requirement is reported even if unused', () => {
    const result = interpolate('${SET:-${NOPE:?must be set}}', lookup);
    expect(result.value).toBe('value');
    expect(summary(result.issues)).toEqual(['required:NOPE']);
  });

  it('asks the lookup about each name, not about the raw text', () => {
    const asked: string[] = [];
    interpolate('${A:-$B}$C', (name) => {
      asked.push(name);
      return undefined;
    });
    expect(asked.sort()).toEqual(['A', 'B', 'C']);
  });

  it('handles realistic nesting and rejects hostile depth without overflowing the stack', () => {
    const nested = `${'${U:-'.repeat(20)}x${'}'.repeat(20)}`;
    expect(interpolate(nested, lookup)).toEqual({ value: 'x', issues: [] });
    const hostile = `${'${U:-'.repeat(5000)}x${'}'.repeat(5000)}`;
    const bad = interpolate(hostile, lookup);
    expect(bad.value === hostile).toBe(true);
    expect(bad.issues.map((issue) => issue.kind)).toEqual(['syntax']);
    expect(bad.issues[0]?.message).toContain('nested too deeply');
    expect(bad.issues[0]?.message.length).toBeLessThan(1000);
  });
});

describe('interpolateTree', () => {
  const tree = {
    services: {
      web: {
        image: 'nginx:${TAG:-latest}',
        environment: { A: '$MISSING', B: '${SET}', $KEY: 'plain' },
        ports: ['${PORT:-80}:80', 8080],
        read_only: true,
        healthcheck: null,
        labels: [{ x: '${A}' }, { y: ['${NEEDED:?please}'] }],
      },
    },
  };

  it('interpolates string values at every depth and keeps other scalars and keys', () => {
    const { value } = interpolateTree(tree, lookup);
    expect(value).toEqual({
      services: {
        web: {
          image: 'nginx:latest',
          environment: { A: '', B: 'value', $KEY: 'plain' },
          ports: ['80:80', 8080],
          read_only: true,
          healthcheck: null,
          labels: [{ x: 'a' }, { y: [''] }],
        },
      },
    });
  });

  it('reports issues with exact paths', () => {
    const { issues } = interpolateTree(tree, lookup);
    expect(issues.map((issue) => ({ kind: issue.kind, variable: issue.variable, path: issue.path }))).toEqual(
      [
        { kind: 'unset', variable: 'MISSING', path: ['services', 'web', 'environment', 'A'] },
        { kind: 'required', variable: 'NEEDED', path: ['services', 'web', 'labels', 1, 'y', 0] },
      ],
    );
  });

  it('prefixes issue paths with the given base path', () => {
    const { issues } = interpolateTree({ A: '$MISSING' }, lookup, ['services', 'db', 'environment']);
    expect(issues[0]?.path).toEqual(['services', 'db', 'environment', 'A']);
  });

  it('reports the same variable again when it appears in another string', () => {
    const { issues } = interpolateTree(['$X', '$X'], lookup);
    expect(issues.map((issue) => issue.path)).toEqual([[0], [1]]);
  });

  it('does not mutate its input and returns fresh containers', () => {
    const before = structuredClone(tree);
    const { value } = interpolateTree(tree, lookup);
    expect(tree).toEqual(before);
    expect(value).not.toBe(tree);
    const services = (value as { services: unknown }).services;
    expect(services).not.toBe(tree.services);
  });

  it('passes scalars straight through', () => {
    expect(interpolateTree(42, lookup).value).toBe(42);
    expect(interpolateTree(false, lookup).value).toBe(false);
    expect(interpolateTree(null, lookup).value).toBeNull();
    expect(interpolateTree(undefined, lookup).value).toBeUndefined();
    expect(interpolateTree('$A', lookup).value).toBe('a');
  });

  it('keeps a "__proto__" key as data', () => {
    const input = JSON.parse('{"__proto__": {"polluted": "$A"}}') as unknown;
    const { value } = interpolateTree(input, lookup);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ polluted: 'a' });
  });

  it('survives a cyclic tree', () => {
    const cyclic: Record<string, unknown> = { name: '$A' };
    cyclic.self = cyclic;
    const { value } = interpolateTree(cyclic, lookup);
    expect((value as Record<string, unknown>).name).toBe('a');
    expect((value as Record<string, unknown>).self).toBe(cyclic);
  });
});
