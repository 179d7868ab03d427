import { spawnSync } from 'node:child_process';
import { type Dirent, existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Berth's settings live under `x-berth` keys so a file stays a plain compose
// file: the reference implementation here is Debian's docker-compose 1.29,
// the strictest compose parser we can run offline.

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const examplesDir = join(repoRoot, 'examples');
// examples/**/{compose,docker-compose}*.{yml,yaml}
const composeName = /^(?:docker-)?compose[^/]*\.ya?ml$/;

function findComposeFiles(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const found: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== 'node_modules') found.push(...findComposeFiles(path));
    else if (entry.isFile() && composeName.test(entry.name)) found.push(path);
  }
  return found.sort();
}

// One project name per file, derived from its folder, so parallel runs and
// the user's own stacks never share a name.
function projectName(file: string): string {
  const slug = relative(examplesDir, dirname(file))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `berth-compat-${slug || 'root'}`;
}

// An override file (compose.override.yaml) is only complete on top of its
// base file: the pair that plain compose itself loads by default.
function withBase(file: string): string[] {
  const base = join(dirname(file), basename(file).replace(/\.override(\.ya?ml)$/, '$1'));
  return base !== file && existsSync(base) ? [base, file] : [file];
}

// Variables a file marks as mandatory (`${VAR:?message}`) get a placeholder:
// this test is about x-berth being accepted, not about the caller's secrets.
function placeholders(files: readonly string[]): Record<string, string> {
  const names = files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?\?/g)].map((m) => m[1] ?? ''),
  );
  return Object.fromEntries(names.map((name) => [name, 'compat-test-placeholder']));
}

const files = findComposeFiles(examplesDir);

describe('plain docker-compose accepts files carrying x-berth', () => {
  it('has example compose files to check', () => {
    expect(files.length, `no compose file found under ${examplesDir}`).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(`docker-compose config accepts ${relative(repoRoot, file)}`, () => {
      const stack = withBase(file);
      const args = [...stack.flatMap((f) => ['-f', basename(f)]), 'config', '-q'];
      const result = spawnSync('docker-compose', args, {
        cwd: dirname(file),
        // a clean environment: the result must not depend on who runs the test
        env: {
          PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
          HOME: process.env.HOME ?? '/tmp',
          ...placeholders(stack),
          COMPOSE_PROJECT_NAME: projectName(file),
        },
        encoding: 'utf8',
        timeout: 25_000,
      });
      if (result.error) {
        throw new Error(
          `could not run docker-compose (apt-get install docker-compose): ${result.error.message}`,
        );
      }
      expect(result.status, `docker-compose rejected ${file}:\n${result.stderr}`).toBe(0);
    });
  }
});
