import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ComposeFileSchema } from '../../src/compose/schema/model.js';
import { composeDir, composeFiles, corpusMissing, upstreamValidator } from '../support/corpus.js';

/*
 * Parity of Berth's compose schema with the upstream compose-spec JSON schema: over the real-world
 * corpus every file must be accepted by both or rejected by both, unless the disagreement is
 * listed (with a reason) in schema-parity-expectations.yaml. (src/compose/schema/upstream-fuzz.test.ts
 * checks the same over mutations of a document that uses every key.)
 *
 * Berth validates after interpolation and checks formats the JSON schema leaves as free strings
 * (ports, durations, sizes, restart policies...), so both validators see each file after a small
 * test-local interpolation: `$$` → `$`, `${VAR:-default}`/`${VAR-default}` → the default (variables
 * are unset), `${VAR:+alt}` → empty, and a bare `${VAR}`/`$VAR` → a number from 10001 up, one per
 * variable name, standing for the value the deployer provides (an empty string would make
 * `${PORT}:80` an invalid host port, and one shared value would make `${A}:80` and `${B}:80`
 * duplicates).
 */

const EXPECTATIONS_FILE = fileURLToPath(new URL('./schema-parity-expectations.yaml', import.meta.url));

type Verdict = 'accept' | 'reject';
interface Expectation {
  file: string;
  berth?: Verdict;
  upstream?: Verdict;
  yaml?: 'error';
  reason: string;
}

function interpolate(text: string, values: Map<string, string>): string {
  const valueFor = (name: string): string => {
    const known = values.get(name);
    if (known !== undefined) return known;
    const fresh = String(10001 + values.size);
    values.set(name, fresh);
    return fresh;
  };
  const ESCAPED = '\u0000';
  let out = text.replaceAll('$$', ESCAPED);
  // Innermost `${...}` first, so nested defaults resolve inside out.
  const braced = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])((?:[^${}]|\$(?!\{))*))?\}/g;
  for (let guard = 0; guard < 20 && braced.test(out); guard += 1) {
    braced.lastIndex = 0;
    out = out.replace(braced, (_m, name: string, op: string | undefined, arg: string | undefined) => {
      if (op === ':-' || op === '-') return arg ?? '';
      if (op === ':+' || op === '+') return '';
      return valueFor(name);
    });
  }
  out = out.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, name: string) => valueFor(name));
  return out.replaceAll(ESCAPED, '$');
}

function interpolateTree(value: unknown, values = new Map<string, string>()): unknown {
  if (typeof value === 'string') return interpolate(value, values);
  if (Array.isArray(value)) return value.map((v) => interpolateTree(v, values));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateTree(v, values)]));
  }
  return value;
}

const verdict = (ok: boolean): Verdict => (ok ? 'accept' : 'reject');

interface Outcome {
  file: string;
  yamlError?: string;
  berth?: Verdict;
  upstream?: Verdict;
  firstBerthIssue?: string;
}

function runCorpus(upstream: (doc: unknown) => boolean): Outcome[] {
  return composeFiles(composeDir()).map((path) => {
    const file = relative(composeDir(), path);
    let doc: unknown;
    try {
      doc = parse(readFileSync(path, 'utf8'), { merge: true, maxAliasCount: 1000 });
    } catch (error) {
      return { file, yamlError: String(error).split('\n')[0] };
    }
    const value = interpolateTree(doc);
    const berth = ComposeFileSchema.safeParse(value);
    const first = berth.success ? undefined : berth.error.issues[0];
    return {
      file,
      berth: verdict(berth.success),
      upstream: verdict(upstream(value)),
      ...(first ? { firstBerthIssue: `${first.path.join('.')}: ${first.message}` } : {}),
    };
  });
}

function loadExpectations(): Expectation[] {
  const list: unknown = parse(readFileSync(EXPECTATIONS_FILE, 'utf8')) ?? [];
  if (!Array.isArray(list)) throw new Error(`${EXPECTATIONS_FILE} must be a YAML list`);
  return list as Expectation[];
}

describe('schema parity with the upstream compose-spec JSON schema', () => {
  const missing = corpusMissing();

  it('finds the corpus', () => {
    expect(missing, missing).toBeUndefined();
  });

  if (missing !== undefined) return;
  const outcomes = runCorpus(upstreamValidator());
  const expectations = loadExpectations();
  const byFile = new Map(expectations.map((e) => [e.file, e]));

  it('covers the whole corpus', () => {
    expect(outcomes.length).toBeGreaterThan(800);
  });

  it('agrees with upstream on every file, or the disagreement is explained', () => {
    const unexplained: string[] = [];
    for (const o of outcomes) {
      const expected = byFile.get(o.file);
      if (o.yamlError !== undefined) {
        if (expected?.yaml !== 'error') unexplained.push(`${o.file}: YAML error ${o.yamlError}`);
        continue;
      }
      if (o.berth === o.upstream) continue;
      if (expected !== undefined && expected.berth === o.berth && expected.upstream === o.upstream) continue;
      unexplained.push(
        `${o.file}: berth ${o.berth}, upstream ${o.upstream} (${o.firstBerthIssue ?? 'no issue'})`,
      );
    }
    expect(unexplained).toEqual([]);
  });

  it('has no stale or reasonless expectations', () => {
    const outcomeByFile = new Map(outcomes.map((o) => [o.file, o]));
    const problems: string[] = [];
    for (const e of expectations) {
      const o = outcomeByFile.get(e.file);
      if (typeof e.reason !== 'string' || e.reason.trim().length < 15)
        problems.push(`${e.file}: give a real reason`);
      if (o === undefined) problems.push(`${e.file}: no such corpus file`);
      else if (e.yaml === 'error') {
        if (o.yamlError === undefined) problems.push(`${e.file}: parses now, remove the entry`);
      } else if (o.berth === o.upstream) problems.push(`${e.file}: both ${o.berth} it now, remove the entry`);
      else if (o.berth !== e.berth || o.upstream !== e.upstream)
        problems.push(`${e.file}: now berth ${o.berth}, upstream ${o.upstream}`);
    }
    expect(problems).toEqual([]);
  });

  it('reports the parity numbers', () => {
    const parsed = outcomes.filter((o) => o.yamlError === undefined);
    const agree = parsed.filter((o) => o.berth === o.upstream);
    const accepted = agree.filter((o) => o.berth === 'accept');
    console.info(
      `schema parity: ${outcomes.length} files, ${parsed.length} parsed, ${agree.length} agree ` +
        `(${accepted.length} accepted, ${agree.length - accepted.length} rejected by both), ` +
        `${parsed.length - agree.length} expected disagreements, ${outcomes.length - parsed.length} YAML errors`,
    );
    expect(agree.length).toBeGreaterThan(parsed.length * 0.95);
  });
});

describe('the parity check can fail', () => {
  const missing = corpusMissing();
  it('finds the corpus schema', () => expect(missing, missing).toBeUndefined());
  if (missing !== undefined) return;
  const upstream = upstreamValidator();
  const cases: [string, unknown][] = [
    ['unknown service key', { services: { web: { image: 'nginx', helthcheck: { test: 'true' } } } }],
    ['wrong type for ports', { services: { web: { image: 'nginx', ports: 'eighty' } } }],
    ['unknown top-level key', { services: {}, servics: {} }],
    ['bad service name', { services: { 'web app': { image: 'nginx' } } }],
    ['depends_on without condition', { services: { web: { depends_on: { db: { required: true } } } } }],
    ['duplicate port', { services: { web: { ports: ['80:80', '80:80'] } } }],
    ['null secret', { secrets: { token: null } }],
    ['number for a duration', { services: { web: { healthcheck: { interval: 30 } } } }],
    ['extension key where none is allowed', { include: [{ path: 'a.yaml', 'x-note': 1 }] }],
    [
      'number for deploy memory',
      { services: { web: { deploy: { resources: { limits: { memory: 512 } } } } } },
    ],
  ];
  it.each(cases)('both reject: %s', (_name, doc) => {
    expect(upstream(doc)).toBe(false);
    expect(ComposeFileSchema.safeParse(doc).success).toBe(false);
  });
});
