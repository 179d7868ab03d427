import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** The checkout's root folder. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ImportEdge {
  /** Repo-relative path of the importing file, e.g. `src/cli/main.ts`. */
  readonly from: string;
  /** Repo-relative `.ts` path for a relative import; the package or builtin name otherwise. */
  readonly to: string;
  /** `import type` / `export type`: erased at runtime, so it loads nothing. */
  readonly typeOnly: boolean;
}

/** Every `.ts` and `.tsx` file under `dir` (repo-relative), tests left out unless asked. */
export function sourceFiles(dir = 'src', withTests = false): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(join(REPO_ROOT, d), { withFileTypes: true })) {
      const path = `${d}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (/\.tsx?$/.test(entry.name) && (withTests || !/\.test\.tsx?$/.test(entry.name))) out.push(path);
    }
  };
  walk(dir);
  return out.sort();
}

/** `node:fs/promises` → `fs/promises`, `@scope/pkg/x` → `@scope/pkg`, `pkg/sub` → `pkg`. */
function packageOf(specifier: string): string {
  if (specifier.startsWith('node:')) return specifier.slice('node:'.length);
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return true;
    const clause = node.exportClause;
    return clause !== undefined && ts.isNamedExports(clause) && clause.elements.every((e) => e.isTypeOnly);
  }
  const clause = node.importClause;
  if (clause === undefined) return false; // `import './x.js'` runs the module
  if (clause.isTypeOnly) return true;
  if (clause.name !== undefined) return false;
  const bindings = clause.namedBindings;
  return (
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((e) => e.isTypeOnly)
  );
}

/** `x.js` → `x.tsx` when that is the source file (JSX), else `x.ts`. */
function sourceOf(path: string): string {
  const tsx = path.replace(/\.js$/, '.tsx');
  return tsx !== path && existsSync(join(REPO_ROOT, tsx)) ? tsx : path.replace(/\.js$/, '.ts');
}

/** The static imports and re-exports of one file, and its dynamic `import('…')` calls (never type-only). */
export function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(join(REPO_ROOT, file), 'utf8');
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false, kind);
  const edges: ImportEdge[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    const to = specifier.startsWith('.')
      ? sourceOf(normalize(join(dirname(file), specifier)))
      : packageOf(specifier);
    edges.push({ from: file, to, typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier.text, isTypeOnly(node));
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      add(node.arguments[0].text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

/** The import edges of every file under `src/`. */
export function importGraph(files = sourceFiles()): Map<string, ImportEdge[]> {
  return new Map(files.map((f) => [f, importsOf(f)]));
}

/**
 * Every module a file loads at runtime, transitively (type-only imports load nothing): files as
 * repo-relative paths, packages and builtins by name. Returns each with the chain that reaches it.
 */
export function runtimeClosure(graph: Map<string, ImportEdge[]>, start: string): Map<string, string[]> {
  const reached = new Map<string, string[]>([[start, [start]]]);
  const queue = [start];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const edge of graph.get(file) ?? []) {
      if (edge.typeOnly || reached.has(edge.to)) continue;
      reached.set(edge.to, [...(reached.get(file) ?? []), edge.to]);
      if (graph.has(edge.to)) queue.push(edge.to);
    }
  }
  return reached;
}

/** `src/deploy/plan.ts` → `deploy`; `src/clock.ts` → `clock`. */
export function layerOf(file: string): string {
  const parts = relative('src', file).split('/');
  return parts.length > 1 ? (parts[0] ?? '') : (parts[0] ?? '').replace(/\.ts$/, '');
}
