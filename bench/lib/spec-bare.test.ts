import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bareParse, bareParseProcessArgs } from './spec-bare.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const DIR = join(REPO, 'test/fixtures/validate-pool');
const files = readdirSync(DIR)
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => join(DIR, name));

function refusedHere(): number {
  let refused = 0;
  for (const file of files) {
    try {
      parse(readFileSync(file, 'utf8'));
    } catch {
      refused++;
    }
  }
  return refused;
}

describe('the spec bench limit (bare YAML parse in worker threads)', () => {
  it('parses every file once across the threads, as YAML.parse does here', async () => {
    const refused = refusedHere();
    expect(files.length).toBeGreaterThan(2);
    expect(await bareParse(REPO, files, 3)).toEqual({ documents: files.length - refused, failed: refused });
  });

  it('does the same as a process of its own, and prints the counts', () => {
    const refused = refusedHere();
    const out = execFileSync(process.execPath, bareParseProcessArgs(REPO, files, 2), { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ documents: files.length - refused, failed: refused });
  });
});
