import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { builtinXBerthRegistry } from '../../src/app/registry.js';
import { type FileReport, validatePaths } from '../../src/compose/validate.js';
import { composeDir, composeFiles, corpusMissing, upstreamValidator } from '../support/corpus.js';

/*
 * Conformance of the whole stack model (`berth validate`, empty environment) with the upstream
 * compose-spec JSON schema over the 907-file corpus. Berth checks more than a JSON schema can
 * (undefined volumes, required variables, values that are empty after interpolation, missing env
 * files): every such disagreement must be listed in conformance-expectations.yaml under a reviewed
 * reason, and the reason must still be the cause (its error codes, and optionally that each error
 * sits on a line that interpolates a variable). Stale entries fail too.
 */

interface Reason {
  readonly why: string;
  readonly berth: 'accept' | 'reject';
  readonly codes: readonly string[];
  readonly on_interpolated_line?: boolean;
}
interface Expectations {
  readonly reasons: Record<string, Reason>;
  readonly files: Record<string, string>;
}

const EXPECTATIONS = new URL('./conformance-expectations.yaml', import.meta.url);

type Upstream = 'accept' | 'reject' | 'yaml-error';

async function run() {
  const dir = composeDir();
  const files = composeFiles(dir);
  const upstream = upstreamValidator();
  const report = await validatePaths(files, { env: {}, registry: builtinXBerthRegistry() });
  const byPath = new Map<string, FileReport>(report.files.map((f) => [f.path, f]));
  return files.map((path) => {
    const text = readFileSync(path, 'utf8');
    let verdict: Upstream;
    try {
      verdict = upstream(parse(text, { merge: true, maxAliasCount: 1000 })) ? 'accept' : 'reject';
    } catch {
      verdict = 'yaml-error';
    }
    return { file: relative(dir, path), text, upstream: verdict, berth: byPath.get(path) };
  });
}

describe('conformance with the upstream compose-spec schema over the corpus', async () => {
  const missing = corpusMissing();
  it('finds the corpus', () => {
    expect(missing, missing).toBeUndefined();
  });
  if (missing !== undefined) return;

  const outcomes = await run();
  const expectations = parse(readFileSync(EXPECTATIONS, 'utf8')) as Expectations;

  it('validates every corpus file and reports it', () => {
    expect(outcomes.length).toBeGreaterThanOrEqual(907);
    expect(outcomes.filter((o) => o.berth === undefined).map((o) => o.file)).toEqual([]);
  });

  it('rejects every file YAML cannot load, with a YAML error code', () => {
    const wrong = outcomes
      .filter((o) => o.upstream === 'yaml-error')
      .filter(
        (o) => o.berth?.valid !== false || !o.berth.errors.every((e) => e.code.startsWith('SPEC_YAML_')),
      )
      .map((o) => o.file);
    expect(wrong).toEqual([]);
  });

  it('has zero unexplained disagreements', () => {
    const problems: string[] = [];
    for (const o of outcomes) {
      if (o.upstream === 'yaml-error' || !o.berth) continue;
      const berth = o.berth.valid ? 'accept' : 'reject';
      const reasonName = expectations.files[o.file];
      if (berth === o.upstream) {
        if (reasonName) problems.push(`${o.file}: listed (${reasonName}) but Berth and upstream now agree`);
        continue;
      }
      const codes = [...new Set(o.berth.errors.map((e) => e.code))].sort();
      const reason = reasonName ? expectations.reasons[reasonName] : undefined;
      if (!reason) {
        problems.push(
          `${o.file}: Berth ${berth}s, upstream ${o.upstream}s, not explained (codes: ${codes.join(', ')})`,
        );
        continue;
      }
      if (reason.berth !== berth)
        problems.push(`${o.file}: reason ${reasonName} expects Berth to ${reason.berth}`);
      const unexplained = codes.filter((c) => !reason.codes.includes(c));
      if (unexplained.length > 0)
        problems.push(`${o.file}: ${unexplained.join(', ')} not covered by ${reasonName}`);
      if (reason.on_interpolated_line) {
        const lines = o.text.split('\n');
        for (const e of o.berth.errors) {
          if (!(lines[e.line - 1] ?? '').includes('$'))
            problems.push(`${o.file}:${e.line}: ${e.code} is not on an interpolated line`);
        }
      }
    }
    for (const file of Object.keys(expectations.files)) {
      if (!outcomes.some((o) => o.file === file)) problems.push(`${file}: listed but not in the corpus`);
    }
    expect(problems).toEqual([]);
  });

  it('gives every reason a real explanation and uses each one', () => {
    const used = new Set(Object.values(expectations.files));
    for (const [name, reason] of Object.entries(expectations.reasons)) {
      expect(reason.why.length, name).toBeGreaterThan(40);
      expect(reason.codes.length, name).toBeGreaterThan(0);
      expect(used.has(name), `reason ${name} is not used`).toBe(true);
    }
  });
});
