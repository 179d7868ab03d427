import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { builtinXBerthRegistry } from '../../src/app/registry.js';
import { SECURITY_RULES } from '../../src/audit/rules/security.js';
import { STANDARDS_RULES } from '../../src/audit/rules/standards.js';
import { type AuditResult, runAudit } from '../../src/audit/run.js';
import { takeSnapshot } from '../../src/audit/snapshot.js';
import { type Finding, RULE_IDS, type Snapshot } from '../../src/audit/types.js';
import { isSecretName } from '../../src/secrets/detect.js';
import { berth } from '../support/cli.js';

// The seed-002 estate (test/fixtures/estate) audited end to end: exactly the findings listed in
// expected-findings.yaml, then the reports and the CLI contract on the same estate.

const here = fileURLToPath(new URL('.', import.meta.url));
const ESTATE = join(here, '..', 'fixtures', 'estate');
const LIVE_RULES = RULE_IDS.filter(
  (r) => r === 'declared-not-running' || r === 'running-not-declared' || r.startsWith('mail-'),
);
/** git keeps no 0600: modes are set on the copy. These two are world-readable on purpose. */
const READABLE_ENV = ['mautic/.env', 'wordpress/.env'];

interface Expected {
  rule: string;
  stack: string;
  service?: string;
  key: string;
  message?: string;
  fix?: string;
  suppressed?: string;
}
type Actual = Finding & { reason?: string };

const expected = (
  parse(readFileSync(join(here, 'expected-findings.yaml'), 'utf8')) as { findings: Expected[] }
).findings;

const copies: string[] = [];

/** Copies the estate to a new temporary folder and sets the permission bits git does not keep. */
function copyEstate(): string {
  const root = mkdtempSync(join(tmpdir(), 'berth-estate-'));
  copies.push(root);
  cpSync(ESTATE, root, { recursive: true });
  for (const stack of readdirSync(root, { withFileTypes: true })) {
    if (!stack.isDirectory()) continue;
    for (const name of readdirSync(join(root, stack.name))) {
      if (name !== '.env' && !name.endsWith('.env')) continue;
      const rel = `${stack.name}/${name}`;
      chmodSync(join(root, rel), READABLE_ENV.includes(rel) ? 0o644 : 0o600);
    }
  }
  return root;
}

async function audit(root: string): Promise<{ snapshot: Snapshot; result: AuditResult; unreadable: number }> {
  const { snapshot, diagnostics } = await takeSnapshot(root, { env: {}, registry: builtinXBerthRegistry() });
  const result = runAudit(snapshot, [...STANDARDS_RULES, ...SECURITY_RULES], { failOn: 'critical' });
  return { snapshot, result, unreadable: diagnostics.length };
}

const groupKey = (f: { rule: string; stack: string; service?: string | undefined }) =>
  `${f.rule} ${f.stack}${f.service ? `/${f.service}` : ''}`;
const textOf = (f: Actual) => `${f.evidence}\n${f.message}`.toLowerCase();
const show = (f: Actual) =>
  `${groupKey(f)}${f.reason ? ' [suppressed]' : ''}  evidence=${JSON.stringify(f.evidence)}  message=${JSON.stringify(f.message)}`;

/** Problems of the actual findings against the expected ones, one readable line each. */
function compare(actual: readonly Actual[]): string[] {
  const problems: string[] = [];
  const groups = new Map<string, { want: Expected[]; got: Actual[] }>();
  const at = (k: string) => groups.get(k) ?? groups.set(k, { want: [], got: [] }).get(k);
  for (const e of expected) at(groupKey(e))?.want.push(e);
  for (const a of actual) at(groupKey(a))?.got.push(a);
  for (const [k, { want, got }] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const left = [...got];
    const unmatched: Expected[] = [];
    // Most specific expectations first, so an empty key cannot take another's finding.
    for (const e of [...want].sort((a, b) => b.key.length - a.key.length)) {
      const i = left.findIndex((a) => textOf(a).includes(e.key.toLowerCase()));
      if (i < 0) unmatched.push(e);
      else {
        const [a] = left.splice(i, 1);
        if (a) problems.push(...contentProblems(e, a));
      }
    }
    for (const e of unmatched) problems.push(`MISSING     ${k}  key=${JSON.stringify(e.key)}`);
    for (const a of left) problems.push(`UNEXPECTED  ${show(a)}`);
  }
  return problems;
}

function contentProblems(e: Expected, a: Actual): string[] {
  const out: string[] = [];
  const has = (text: string, part: string) => text.toLowerCase().includes(part.toLowerCase());
  if (e.message && !has(a.message, e.message))
    out.push(`MESSAGE     ${show(a)}  lacks ${JSON.stringify(e.message)}`);
  if (e.fix && !has(a.fix, e.fix))
    out.push(`FIX         ${show(a)}  fix=${JSON.stringify(a.fix)} lacks ${JSON.stringify(e.fix)}`);
  if (e.suppressed === undefined && a.reason !== undefined)
    out.push(`SUPPRESSED  ${show(a)}  (not expected)`);
  if (e.suppressed !== undefined && !(a.reason !== undefined && has(a.reason, e.suppressed)))
    out.push(`NOT SUPPRESSED ${show(a)}  expected a reason with ${JSON.stringify(e.suppressed)}`);
  return out;
}

/** Severity of each rule as the RULE_IDS comments state it, read from the source itself. */
function documentedSeverities(): Map<string, string> {
  const source = readFileSync(join(here, '..', '..', 'src', 'audit', 'types.ts'), 'utf8');
  const map = new Map<string, string>();
  for (const m of source.matchAll(/^\s*'([a-z-]+)', \/\/ (critical|high|medium|low|info)\b/gm))
    if (m[1] && m[2]) map.set(m[1], m[2]);
  return map;
}

let root: string;
let snapshot: Snapshot;
let result: AuditResult;
let unreadable: number;
let actual: Actual[];

beforeAll(async () => {
  root = copyEstate();
  ({ snapshot, result, unreadable } = await audit(root));
  actual = [...result.findings, ...result.suppressed];
});

afterAll(() => {
  for (const dir of copies) rmSync(dir, { recursive: true, force: true });
});

describe('the fixture estate', () => {
  it('loads every stack, including the one missing from the catalog', () => {
    expect(unreadable).toBe(0);
    expect(snapshot.stacks.length).toBeGreaterThanOrEqual(12);
    expect(snapshot.stacks.filter((s) => !s.inCatalog).map((s) => s.name)).toEqual(['backups']);
    expect(snapshot.catalogOrphans.map((o) => o.name)).toEqual(['wiki']);
  });

  it('plants every rule except the live ones, and names only real rules', () => {
    const planted = new Set(expected.map((e) => e.rule));
    expect([...planted].filter((r) => !(RULE_IDS as readonly string[]).includes(r))).toEqual([]);
    expect(RULE_IDS.filter((r) => !planted.has(r) && !LIVE_RULES.includes(r))).toEqual([]);
  });

  it('checks content for every rule: a key, a message or a fix', () => {
    const checked = new Set(expected.filter((e) => e.key || e.message || e.fix).map((e) => e.rule));
    expect([...new Set(expected.map((e) => e.rule))].filter((r) => !checked.has(r))).toEqual([]);
  });
});

describe('auditing the estate', () => {
  it('runs every rule of RULE_IDS with its documented severity; only the live rules are skipped', () => {
    const rules = [...STANDARDS_RULES, ...SECURITY_RULES];
    expect(rules.map((r) => r.id).sort()).toEqual([...RULE_IDS].sort());
    const severities = documentedSeverities();
    expect(severities.size).toBe(RULE_IDS.length);
    expect(
      rules.filter((r) => severities.get(r.id) !== r.severity).map((r) => `${r.id}: ${r.severity}`),
    ).toEqual([]);
    expect(result.skipped.map((s) => s.rule).sort()).toEqual([...LIVE_RULES].sort());
  });

  it('reports exactly the expected findings, no more, no fewer', () => {
    const problems = compare(actual);
    expect(problems, `\n${problems.join('\n')}\n`).toEqual([]);
    expect(actual).toHaveLength(expected.length);
  });

  it('locates findings in the file and line that cause them', () => {
    const lineOf = (f: Finding) => readFileSync(f.file, 'utf8').split('\n')[f.line - 1] ?? '';
    const one = (rule: string, stack: string, service?: string) => {
      const found = actual.filter((f) => f.rule === rule && f.stack === stack && f.service === service);
      expect(found, `${rule} ${stack}/${service}`).toHaveLength(1);
      return found[0] as Finding;
    };
    const grafana = one('image-not-pinned', 'monitoring', 'grafana');
    expect(relative(root, grafana.file)).toBe('monitoring/docker-compose.yml');
    expect(lineOf(grafana)).toContain('grafana/grafana:latest');
    expect(lineOf(one('default-credentials', 'monitoring', 'grafana'))).toContain(
      'GF_SECURITY_ADMIN_PASSWORD',
    );
    expect(lineOf(one('catalog-entry-missing', 'wiki'))).toContain('path: wiki');
    expect(lineOf(one('privileged', 'ci-runner', 'dind'))).toContain('privileged');
    const stale = actual.filter((f) => f.rule === 'stale-files').map((f) => relative(root, f.file));
    expect(stale.sort()).toEqual(['landing/compose.yaml~', 'landing/docker-compose.yml.bak']);
    const env = actual.filter((f) => f.rule === 'env-file-permissions').map((f) => relative(root, f.file));
    expect(env.sort()).toEqual(READABLE_ENV);
  });

  it('never prints a secret value; a reused one is identified by a short hash', () => {
    const secrets = new Set<string>();
    for (const s of snapshot.stacks)
      for (const service of Object.values(s.loaded.model.services ?? {}))
        for (const [name, value] of Object.entries(service.environment ?? {}))
          if (isSecretName(name) && value !== null && value.length >= 8) secrets.add(value);
    expect(secrets.size).toBeGreaterThan(10);
    const leaks = actual.filter((f) =>
      [...secrets].some((v) => `${f.message}${f.evidence}${f.fix}`.includes(v)),
    );
    expect(leaks.map(show)).toEqual([]);
    const hash = createHash('sha256').update('Tr0ub4dor-Horse-91').digest('hex').slice(0, 12);
    const reused = actual.filter((f) => f.rule === 'secret-reused');
    expect(reused.map((f) => f.evidence.includes(hash))).toEqual([true, true]);
  });

  it('gives stable, distinct fingerprints', async () => {
    const fingerprints = actual.map((f) => f.fingerprint);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
    for (const f of fingerprints) expect(f).toMatch(/^[0-9a-f]{16}$/);
    const again = await audit(copyEstate());
    expect([...again.result.findings, ...again.result.suppressed].map((f) => f.fingerprint).sort()).toEqual(
      [...fingerprints].sort(),
    );
  });
});

describe('berth audit on the estate', () => {
  const run = (args: string[]) => berth(['audit', ...args], { cwd: root });

  it('writes a Markdown report with the sections of a hand-written analysis', async () => {
    const md = await run(['.', '--format', 'md']);
    expect(md.stderr).toBe('');
    for (const section of ['Executive summary', 'Findings by severity', 'Prioritized actions', 'Coverage'])
      expect(md.stdout).toMatch(new RegExp(`^#+ .*${section}`, 'im'));
    expect(md.code).toBe(1);
    // Suppressed findings stay in the report, each with its reason.
    expect(md.stdout).toContain('ADMIN_TOKEN is the argon2 hash of the admin token');
    expect(md.stdout).toContain('node-exporter reads host metrics');
    expect(md.stdout).not.toContain('Tr0ub4dor-Horse-91');
  });

  it('writes a JSON report with the stable shape, and exits 1 on criticals with --fail-on critical', async () => {
    const json = await run(['.', '--format', 'json', '--fail-on', 'critical']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as Record<string, unknown> & {
      findings: Record<string, unknown>[];
      suppressed: Record<string, unknown>[];
      summary: Record<string, unknown>;
    };
    expect(Object.keys(report).sort()).toEqual(
      'coverage findings skipped summary suppressed unreadable'.split(' '),
    );
    const keys = 'category column file fingerprint fix line message rule service severity stack title'.split(
      ' ',
    );
    for (const f of report.findings) expect(Object.keys(f).sort()).toEqual(keys);
    for (const f of report.suppressed) expect(Object.keys(f).sort()).toEqual([...keys, 'reason'].sort());
    expect(report.findings).toHaveLength(result.findings.length);
    expect(report.summary).toMatchObject({
      score: expect.any(Number),
      counts: result.summary.counts,
      stacks: snapshot.stacks.length,
      services: result.summary.services,
      exitCode: 1,
      date: expect.any(String),
      failOn: 'critical',
      suppressed: 4,
      baselineHidden: 0,
    });
    expect(report.suppressed.map((f) => [f.rule, f.stack, f.service, f.reason])).toEqual(
      result.suppressed.map((f) => [f.rule, f.stack, f.service, f.reason]),
    );
    expect(report.findings.map((f) => f.file).filter((f) => String(f).startsWith('/'))).toEqual([]);
    expect(report.findings.some((f) => f.severity === 'critical')).toBe(true);
  });

  it('a baseline hides everything it holds; a new defect is then the only finding', async () => {
    const own = copyEstate();
    const run = (args: string[]) => berth(['audit', ...args], { cwd: own });
    const written = await run(['.', '--write-baseline', 'baseline.json']);
    expect(written.code).toBe(0);
    expect(written.stderr).toContain('baseline.json');
    const quiet = await run('. --baseline baseline.json --format json --fail-on info'.split(' '));
    expect(JSON.parse(quiet.stdout).findings).toEqual([]);
    expect(quiet.code).toBe(0);

    const file = join(own, 'vaultwarden', 'docker-compose.yml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        '    user: "1000:1000"\n',
        '    privileged: true\n    user: "1000:1000"\n',
      ),
    );
    const after = await run('. --baseline baseline.json --format json --fail-on critical'.split(' '));
    const findings = JSON.parse(after.stdout).findings as { rule: string; stack: string; service: string }[];
    expect(findings.map((f) => [f.rule, f.stack, f.service])).toEqual([
      ['privileged', 'vaultwarden', 'vaultwarden'],
    ]);
    expect(after.code).toBe(1);
  });
});
