import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinXBerthRegistry } from '../../src/app/registry.js';
import { SECURITY_RULES } from '../../src/audit/rules/security.js';
import { STANDARDS_RULES } from '../../src/audit/rules/standards.js';
import { runAudit } from '../../src/audit/run.js';
import { takeSnapshot } from '../../src/audit/snapshot.js';
import { composeDir, composeFiles, corpusMissing } from '../support/corpus.js';

// Every real-world compose file of the corpus, audited on its own as a one-stack estate: the audit
// must get through all of them. A rule that throws is caught by the runner and listed as skipped
// with "the rule failed": both a throw and such a skip count as a crash here.

const RULES = [...STANDARDS_RULES, ...SECURITY_RULES];

describe('berth audit on the compose corpus', () => {
  it('audits every corpus file without a crash', { timeout: 300_000 }, async () => {
    const missing = corpusMissing();
    if (missing) expect.fail(missing);
    const dir = composeDir();
    const files = composeFiles(dir);
    expect(files.length).toBeGreaterThan(900);

    const crashes: string[] = [];
    const perRule = new Map<string, number>(RULES.map((r) => [r.id, 0]));
    let audited = 0;
    let unreadable = 0;
    const options = { env: {}, registry: builtinXBerthRegistry() };
    for (const file of files) {
      const name = relative(dir, file);
      try {
        const { snapshot } = await takeSnapshot(file, options);
        if (snapshot.stacks.length === 0) {
          unreadable++;
          continue;
        }
        const result = runAudit(snapshot, RULES, { failOn: 'critical' });
        audited++;
        for (const s of result.skipped)
          if (!s.why.startsWith('needs')) crashes.push(`${name}: ${s.rule}: ${s.why}`);
        for (const f of [...result.findings, ...result.suppressed])
          perRule.set(f.rule, (perRule.get(f.rule) ?? 0) + 1);
      } catch (error: unknown) {
        crashes.push(`${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }

    const total = [...perRule.values()].reduce((a, b) => a + b, 0);
    const lines = [...perRule]
      .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
      .map(([rule, n]) => `  ${rule.padEnd(28)} ${String(n).padStart(6)}`);
    console.log(
      [
        `audited ${audited} of ${files.length} corpus files (${unreadable} not loadable as a stack); ${total} findings`,
        ...lines,
      ].join('\n'),
    );
    expect(crashes, crashes.join('\n\n')).toEqual([]);
    // The rest fail the schema even leniently (Coolify's own keys, unset `${VAR:?}`): about 11% today.
    expect(audited).toBeGreaterThan(files.length * 0.85);
    // Real-world files are far from the baseline: a silent rule set would report nothing here.
    expect(perRule.get('image-not-pinned')).toBeGreaterThan(0);
    expect(perRule.get('no-resource-limits')).toBeGreaterThan(0);
  });
});
