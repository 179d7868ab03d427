import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/import-graph.js';

// Start-up of the CLI (issue 14): a command loads what it needs when it runs. `berth --version`,
// `--help` and `validate` never load the server, the engine, SQLite, argon2 or the mailers, and
// `berth ps` through the API loads none of the engine, the state file or the server. Checked on the
// static imports (what loading a module loads) and in a fresh process; no timing here (that is
// `npm run bench -- cli`).

/** What none of these commands may load. */
const HEAVY = [
  'dockerode',
  'docker-modem',
  'better-sqlite3',
  '@node-rs/argon2',
  'hono',
  '@hono/node-server',
  '@aws-sdk/client-s3',
  '@aws-sdk/lib-storage',
  'nodemailer',
  'pino',
  'prom-client',
  'age-encryption',
  'src/engine/index.ts',
  'src/store/db.ts',
  'src/app/berth.ts',
];

const packageOf = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? '');

/** `x.js` → `x.tsx` when that is the source (JSX), else `x.ts`. */
const sourceOf = (path: string) =>
  existsSync(join(REPO_ROOT, path.replace(/\.js$/, '.tsx')))
    ? path.replace(/\.js$/, '.tsx')
    : path.replace(/\.js$/, '.ts');

/** The modules a file loads when it is loaded: its static, non-type imports (not `import()`). */
function staticImports(file: string): string[] {
  const source = ts.createSourceFile(
    file,
    readFileSync(join(REPO_ROOT, file), 'utf8'),
    ts.ScriptTarget.ES2022,
    false,
    file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const out: string[] = [];
  for (const node of source.statements) {
    if (!(ts.isImportDeclaration(node) || ts.isExportDeclaration(node))) continue;
    if (node.moduleSpecifier === undefined || !ts.isStringLiteral(node.moduleSpecifier)) continue;
    const clause = ts.isImportDeclaration(node) ? node.importClause : undefined;
    const bindings = clause?.namedBindings;
    const typeOnly = ts.isExportDeclaration(node)
      ? node.isTypeOnly
      : clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            bindings !== undefined &&
            ts.isNamedImports(bindings) &&
            bindings.elements.length > 0 &&
            bindings.elements.every((e) => e.isTypeOnly)));
    if (typeOnly) continue;
    const to = node.moduleSpecifier.text;
    if (to.startsWith('node:')) continue;
    out.push(to.startsWith('.') ? sourceOf(normalize(join(dirname(file), to))) : packageOf(to));
  }
  return out;
}

/** Every module loaded with `entries`, each with the chain of imports that reaches it. */
function loadedWith(entries: readonly string[]): Map<string, string> {
  const reached = new Map<string, string>(entries.map((e) => [e, e]));
  const queue = [...entries];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const to of staticImports(file)) {
      if (reached.has(to)) continue;
      reached.set(to, `${reached.get(file)} → ${to}`);
      if (to.startsWith('src/')) queue.push(to);
    }
  }
  return reached;
}

const heavyIn = (loaded: Map<string, string>) =>
  HEAVY.filter((m) => loaded.has(m)).map((m) => loaded.get(m) ?? m);

describe('CLI start-up: what each command loads', () => {
  it('loads nothing heavy for --version and --help (main and the command definitions)', () => {
    const loaded = loadedWith(['src/cli/main.ts']);
    expect(heavyIn(loaded)).toEqual([]);
    // Not even the compose model or the API contract: both wait for a command that needs them.
    expect([...loaded.keys()].filter((m) => m === 'zod' || m === 'yaml')).toEqual([]);
  });

  it('loads nothing heavy for validate: main, the compose model, the registry, the pool', () => {
    const loaded = loadedWith([
      'src/cli/main.ts',
      'src/compose/validate.ts',
      'src/app/registry.ts',
      'src/compose/pool/validate-pool.ts',
      'src/compose/pool/validate-worker.ts',
    ]);
    expect(heavyIn(loaded)).toEqual([]);
  });

  it('loads no engine, state file or server for commands through the API (ps)', () => {
    const loaded = loadedWith(['src/cli/main.ts', 'src/cli/http-client.ts', 'src/cli/commands/connect.ts']);
    expect(heavyIn(loaded)).toEqual([]);
    expect([...loaded.keys()].filter((m) => m.startsWith('src/server/'))).toEqual([]);
  });

  it('would see a heavy module (the check is not empty)', () => {
    const local = loadedWith(['src/cli/local.ts']);
    expect(HEAVY.filter((m) => local.has(m))).toEqual(
      expect.arrayContaining(['src/engine/index.ts', 'better-sqlite3']),
    );
    expect(heavyIn(loadedWith(['src/cli/commands/serve.ts']))).toEqual([]);
    expect(heavyIn(loadedWith(['src/app/serve.ts'])).length).toBeGreaterThan(3);
  });

  it('loads no native or server package when --version and validate run (in a fresh process)', () => {
    const fixture = join(REPO_ROOT, 'test/fixtures/validate-pool/awesome-compose-angular.yaml');
    const script = [
      "const { createRequire } = await import('node:module');",
      "const { main } = await import('./src/cli/main.ts');",
      'const quiet = { stdout() {}, stderr() {}, env: {}, cwd: process.cwd() };',
      'const codes = [];',
      "codes.push(await main(['--version'], quiet));",
      `codes.push(await main(['validate', ${JSON.stringify(fixture)}], quiet));`,
      'const require = createRequire(import.meta.url);',
      'const loaded = Object.keys(require.cache).filter((k) => /node_modules[\\\\/](dockerode|docker-modem|better-sqlite3|@node-rs|nodemailer|pino|prom-client|ssh2)[\\\\/]/.test(k));',
      'process.stdout.write(JSON.stringify({ codes, loaded }));',
    ].join('\n');
    const run = (code: string) =>
      JSON.parse(
        execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
          cwd: REPO_ROOT,
          encoding: 'utf8',
        }),
      ) as { codes: number[]; loaded: string[] };
    expect(run(script)).toEqual({ codes: [0, 0], loaded: [] });
    // The same check sees them when the local client is loaded: it can fail.
    const local = script.replace(
      "const { main } = await import('./src/cli/main.ts');",
      "$&\nawait import('./src/cli/local.ts');",
    );
    expect(run(local).loaded.length).toBeGreaterThan(0);
  }, 60_000);
});
