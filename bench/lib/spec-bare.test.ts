import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { bareParse } from './spec-bare.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const DIR = join(REPO, 'test/fixtures/validate-pool');
const files = readdirSync(DIR)
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => join(DIR, name));

describe('the spec bench limit (bare YAML parse in worker threads)', () => {
  it('parses every file once across the threads, as YAML.parse does here', async () => {
    let refused = 0;
    for (const file of files) {
      try {
        parse(readFileSync(file, 'utf8'));
      } catch {
        refused++;
      }
    }
    expect(await bareParse(REPO, files, 3)).toEqual({ documents: files.length - refused, failed: refused });
  });
});
