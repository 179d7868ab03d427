import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The README is the product's promise: every route the server defines is documented there, as
// `/api/v1/…` with its parameters written S, ID, NAME… or {stack}, or after `…/` for a stack's route.

const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const routesDir = join(root, 'src', 'server', 'routes');

/** Every path given to defineRoute/defineStreamRoute in src/server/routes (tests left out). */
function routePaths(): string[] {
  const paths = new Set<string>();
  for (const file of readdirSync(routesDir)) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    for (const m of readFileSync(join(routesDir, file), 'utf8').matchAll(/\bpath: '(\/api\/[^']+)'/g)) {
      if (m[1]) paths.add(m[1]);
    }
  }
  return [...paths].sort();
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The path as the README may write it: each `:param` as a capital word or `{param}`. */
function documented(path: string): boolean {
  const param = '(?:[A-Z][A-Z_]*|\\{\\w+\\})';
  const pattern = (p: string) => escapeRegExp(p).replace(/:\w+/g, param);
  // A path ends where the README's code span, query or body starts.
  const end = '(?=[`?\\[ ]|$)';
  const full = new RegExp(`${pattern(path)}${end}`, 'm');
  const stackPrefix = '/api/v1/stacks/:stack';
  const short = path.startsWith(`${stackPrefix}/`)
    ? new RegExp(`…${pattern(path.slice(stackPrefix.length))}${end}`, 'm')
    : undefined;
  return full.test(readme) || (short?.test(readme) ?? false);
}

describe('the README documents every API route', () => {
  const paths = routePaths();

  it('finds the routes', () => {
    expect(paths.length).toBeGreaterThan(30);
    expect(paths).toContain('/api/v1/stacks/:stack/plan');
  });

  it('names each route path', () => {
    expect(paths.filter((p) => !documented(p))).toEqual([]);
  });
});
