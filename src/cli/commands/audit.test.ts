import { createHash } from 'node:crypto';
import { chmod, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { startTxtZone } from '../../../test/support/dns-zone.js';
import { writeTree } from '../../../test/support/tree.js';
import { dnsLookup } from '../../audit/index.js';
import { connectEngine } from '../../engine/index.js';
import type { ExitCode } from '../io.js';
import { main } from '../main.js';
import { type AuditDeps, registerAudit } from './audit.js';

const SHOP = `# shop
services:
  web:
    image: nginx:latest   # front
    user: "101"
    read_only: true
    restart: unless-stopped
    cap_drop: [ALL]
    pids_limit: 100
    mem_limit: 256m
    healthcheck:
      test: wget -q --spider http://localhost/
      interval: 30s
      timeout: 5s
      retries: 3
    x-berth:
      audit:
        ignore:
          - rule: no-new-privileges-missing
            reason: checked by the platform team
`;

async function estate(extra: Record<string, string> = {}) {
  const root = await writeTree({
    'shop/compose.yaml': SHOP,
    'shop/README.md': '# shop\n',
    'shop/.env': 'A=1\n',
    ...extra,
  });
  await chmod(join(root, 'shop/.env'), 0o644);
  return root;
}

/** The whole CLI, in-process. */
async function berth(argv: string[], options: { cwd: string }) {
  let stdout = '';
  const code = await main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: () => {},
    env: {},
    cwd: options.cwd,
  });
  return { code, stdout };
}

const hash = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

/** The audit command alone, with a fixed clock; `--live` talks to the engine at DOCKER_HOST for real. */
async function audit(argv: string[], cwd: string, env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  let code: ExitCode = 0;
  const hosts: (string | undefined)[] = [];
  const program = new Command('berth').version('9.9.9').exitOverride();
  const deps: AuditDeps = {
    connect: async (host) => {
      hosts.push(host);
      return connectEngine({ ...(host ? { host } : {}), timeoutMs: 2000 });
    },
    clock: { now: () => new Date('2025-01-02T03:04:05Z') },
    lookupDns: dnsLookup(),
  };
  const io = {
    stdout: (t: string) => {
      stdout += t;
    },
    stderr: (t: string) => {
      stderr += t;
    },
    env,
    cwd,
  };
  registerAudit(
    program,
    io,
    (c) => {
      code = c;
    },
    deps,
  );
  for (const c of program.commands) c.exitOverride();
  try {
    await program.parseAsync(['audit', ...argv], { from: 'user' });
  } catch {
    code = 2;
  }
  return { code, stdout, stderr, hosts };
}

describe('berth audit', () => {
  it('prints the Markdown report and fails on a high finding (the readable .env)', async () => {
    const root = await estate();
    const run = await berth(['audit', root], { cwd: root });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^# Infrastructure audit: /);
    expect(run.stdout).toContain('.env file readable by other users');
    expect(run.stdout).toContain('| `no-new-privileges-missing` | shop/web |');
  });

  it('passes with --fail-on critical, and exits 2 on a bad option value', async () => {
    const root = await estate();
    expect((await berth(['audit', '--fail-on', 'critical'], { cwd: root })).code).toBe(0);
    expect((await berth(['audit', '--fail-on', 'severe'], { cwd: root })).code).toBe(2);
    expect((await berth(['audit', '--format', 'html'], { cwd: root })).code).toBe(2);
  });

  it('writes JSON and SARIF, to stdout or to a file', async () => {
    const root = await estate();
    const json = JSON.parse((await audit(['--format', 'json'], root)).stdout) as {
      summary: { exitCode: number };
      findings: unknown[];
    };
    expect(json.summary.exitCode).toBe(1);
    const out = await audit(['--format', 'sarif', '-o', 'audit.sarif'], root);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^wrote audit.sarif: health score \d+\/100, findings: .*1 high/);
    const sarif = JSON.parse(await readFile(join(root, 'audit.sarif'), 'utf8')) as {
      version: string;
      runs: { tool: { driver: { version: string } } }[];
    };
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0]?.tool.driver.version).toBe('9.9.9');
  });

  it('exits 2 when nothing can be audited, and 1 listing the stacks it could not read', async () => {
    const root = await writeTree({ 'broken/compose.yaml': 'services: [\n' });
    const nothing = await audit([], root);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('nothing to audit');
    expect(nothing.stderr).toContain('SPEC_YAML_SYNTAX');
    expect((await audit(['missing-folder'], root)).code).toBe(2);

    const mixed = await estate({ 'broken/compose.yaml': 'services: [\n' });
    const run = await audit(['--fail-on', 'critical'], mixed);
    expect(run.stdout).toContain('Stack not audited: `broken/compose.yaml` could not be read');
    // A stack that was not audited fails the audit, whatever --fail-on and a new baseline say.
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('**1 stack could not be read and was not audited**');
    expect(run.stderr).toContain(`error: 1 stack in ${mixed} could not be read and was not audited`);
    expect(run.stderr).toContain(`hint: run \`berth validate ${mixed}\``);
    const json = await audit(['--fail-on', 'critical', '--format', 'json'], mixed);
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as { summary: { exitCode: number } }).summary.exitCode).toBe(1);
    expect((await audit(['--fail-on', 'critical', '--write-baseline', 'b.json'], mixed)).code).toBe(1);
    expect((await audit(['--fix', '--dry-run', '--fail-on', 'critical'], mixed)).code).toBe(1);
  });

  it('writes a baseline, then hides its findings and says how many', async () => {
    const root = await estate();
    const written = await audit(['--write-baseline', 'baseline.json'], root);
    expect(written.code).toBe(0);
    const file = JSON.parse(await readFile(join(root, 'baseline.json'), 'utf8')) as {
      version: number;
      fingerprints: string[];
    };
    expect(file.version).toBe(1);
    expect(file.fingerprints.length).toBeGreaterThan(0);
    const again = await audit(['--baseline', 'baseline.json', '--format', 'json'], root);
    expect(again.code).toBe(0);
    const json = JSON.parse(again.stdout) as { findings: unknown[]; summary: { baselineHidden: number } };
    expect(json.findings).toEqual([]);
    expect(json.summary.baselineHidden).toBe(file.fingerprints.length);
  });

  it('exits 2 on an unreadable or invalid baseline', async () => {
    const root = await estate({ 'bad.json': '{"version":2}' });
    for (const file of ['bad.json', 'none.json']) {
      const run = await audit(['--baseline', file], root);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('AUDIT_BASELINE_INVALID');
    }
  });

  it('--fix --dry-run prints the diff and changes nothing; --fix applies; a second --fix has nothing to do', async () => {
    const root = await estate();
    const compose = join(root, 'shop/compose.yaml');
    const env = join(root, 'shop/.env');
    const before = [await hash(compose), await hash(env)];
    const dry = await audit(['--fix', '--dry-run'], root);
    expect(dry.stdout).toContain('--- a/shop/.env\n+++ b/shop/.env\nmode 644 → 600\n');
    expect(dry.stdout).toContain('not fixed: image-not-pinned shop/web: needs the running engine');
    expect(dry.stdout).toContain('dry run: nothing was changed');
    expect([await hash(compose), await hash(env)]).toEqual(before);

    const fixed = await audit(['--fix'], root);
    expect(fixed.stdout).toContain('fixed shop/.env: mode 644 → 600');
    expect(fixed.code).toBe(0);
    expect((await stat(env)).mode & 0o777).toBe(0o600);

    const second = await audit(['--fix'], root);
    expect(second.stdout).toContain('nothing to fix automatically');
    expect(await hash(compose)).toBe(before[0]);
  });

  it('--live without an engine exits 2 with the engine error', async () => {
    const root = await estate();
    const run = await audit(['--live'], root, { DOCKER_HOST: 'unix:///nonexistent/berth-test.sock' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error ENGINE_UNAVAILABLE');
    expect(run.stderr).toContain('/nonexistent/berth-test.sock');
  });

  it('--dns checks the mail domains without an engine, and says the engine rules were skipped', async () => {
    const zone = await startTxtZone({ 'shop.test': [['v=spf1 mx +all']] });
    try {
      const root = await estate({
        'shop/compose.yaml': `${SHOP}x-berth:\n  mail:\n    domain: shop.test\n    dkim_selectors: []\n    resolver: "${zone.address}"\n`,
      });
      const env = { DOCKER_HOST: 'unix:///nonexistent/berth-test.sock' };
      const run = await audit(['--dns', '--format', 'json'], root, env);
      expect(run.hosts).toEqual([]);
      expect(run.code).toBe(1);
      const json = JSON.parse(run.stdout) as {
        findings: { rule: string }[];
        skipped: { rule: string; why: string }[];
      };
      expect(json.findings.map((f) => f.rule).filter((r) => r.startsWith('mail-'))).toEqual([
        'mail-dkim-missing',
        'mail-dmarc-missing',
        'mail-spf-permissive',
      ]);
      expect(json.skipped.filter((s) => s.rule.startsWith('mail-'))).toEqual([]);
      expect(json.skipped).toContainEqual({
        rule: 'declared-not-running',
        why: 'needs the running engine: run `berth audit --live`',
      });
      expect(zone.asked).toContain('_dmarc.shop.test');
      // Without --dns nothing is looked up.
      zone.asked.length = 0;
      await audit(['--format', 'json'], root, env);
      expect(zone.asked).toEqual([]);
    } finally {
      await zone.close();
    }
  });

  it('audits the workspace (-w) when no path is given', async () => {
    const root = await estate();
    const run = await berth(['-w', root, 'audit', '--format', 'json'], { cwd: '/' });
    expect((JSON.parse(run.stdout) as { summary: { stacks: number } }).summary.stacks).toBe(1);
  });
});
