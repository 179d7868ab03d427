import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020Module from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ComposeFileSchema } from '../../src/spec/model.js';

/*
 * Parity of Berth's compose schema with the upstream compose-spec JSON schema over the real-world
 * corpus: every file must be accepted by both or rejected by both, unless the disagreement is
 * listed (with a reason) in schema-parity-expectations.yaml.
 *
 * Berth validates after interpolation, and checks formats the JSON schema leaves as free strings
 * (ports, durations, sizes, restart policies...), so both validators see the file after a small
 * test-local interpolation: `$$` → `$`, `${VAR:-default}`/`${VAR-default}` → the default (variables
 * are unset), `${VAR:+alt}` → empty, and a bare `${VAR}`/`$VAR` → a number from 10001 up, one per
 * variable name, standing for the value the deployer provides (an empty string would make
 * `${PORT}:80` an invalid host port, and one shared value would make `${A}:80` and `${B}:80`
 * duplicates).
 */

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CORPUS = resolve(REPO_ROOT, '../shared/corpus');
const COMPOSE_DIR = join(CORPUS, 'compose');
const SCHEMA_FILE = join(CORPUS, 'schema/compose-spec.json');
const EXPECTATIONS_FILE = fileURLToPath(new URL('./schema-parity-expectations.yaml', import.meta.url));

type Verdict = 'accept' | 'reject';
interface Expectation {
  file: string;
  berth?: Verdict;
  upstream?: Verdict;
  yaml?: 'error';
  reason: string;
}

/** Interpolates one string (see the header). Nested defaults are resolved inside out. */
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

function composeFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out.push(...composeFiles(full));
    else if (/\.ya?ml$/.test(name)) out.push(full);
  }
  return out;
}

function corpusMissing(): string | undefined {
  if (!existsSync(COMPOSE_DIR)) return `compose corpus not found: looked for ${COMPOSE_DIR}`;
  if (!existsSync(SCHEMA_FILE)) return `compose-spec schema not found: looked for ${SCHEMA_FILE}`;
  return undefined;
}

// ajv is CommonJS: under NodeNext the default import is `module.exports`, whose `default` is the class.
const Ajv2020 = Ajv2020Module.default;

function upstreamValidator(): (doc: unknown) => boolean {
  const ajv = new Ajv2020({ strict: false, allErrors: false });
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
  return (doc) => validate(doc) === true;
}

const verdict = (ok: boolean): Verdict => (ok ? 'accept' : 'reject');

interface Outcome {
  file: string;
  yamlError?: string;
  berth?: Verdict;
  upstream?: Verdict;
  firstBerthIssue?: string;
}

function runCorpus(): Outcome[] {
  const upstream = upstreamValidator();
  return composeFiles(COMPOSE_DIR).map((path) => {
    const file = relative(COMPOSE_DIR, path);
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
  const outcomes = runCorpus();
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
  if (missing !== undefined) {
    it('finds the schema', () => expect(missing, missing).toBeUndefined());
    return;
  }
  const upstream = upstreamValidator();
  const cases: [string, unknown][] = [
    ['unknown service key', { services: { web: { image: 'nginx', helthcheck: { test: 'true' } } } }],
    ['wrong type for ports', { services: { web: { image: 'nginx', ports: 'eighty' } } }],
    ['unknown top-level key', { services: {}, servics: {} }],
    ['bad service name', { services: { 'web app': { image: 'nginx' } } }],
    ['depends_on without condition', { services: { web: { depends_on: { db: { required: true } } } } }],
    ['duplicate port', { services: { web: { ports: ['80:80', '80:80'] } } }],
    ['null secret', { secrets: { token: null } }],
  ];
  it.each(cases)('both reject: %s', (_name, doc) => {
    expect(upstream(doc)).toBe(false);
    expect(ComposeFileSchema.safeParse(doc).success).toBe(false);
  });
  it('both accept a valid document with short and long syntax', () => {
    const doc = {
      name: 'demo',
      services: {
        web: {
          image: 'nginx',
          ports: ['8080:80', { target: 443, published: '8443' }],
          volumes: ['./site:/usr/share/nginx/html:ro', { type: 'volume', source: 'data', target: '/data' }],
          depends_on: { db: { condition: 'service_healthy' } },
          'x-berth': { expose: true },
        },
        db: { image: 'postgres', healthcheck: { test: 'pg_isready', interval: '5s' } },
      },
      volumes: { data: null },
      'x-common': 1,
    };
    expect(upstream(doc)).toBe(true);
    expect(ComposeFileSchema.safeParse(doc).success).toBe(true);
  });
});
