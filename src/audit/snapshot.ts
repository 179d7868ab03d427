import { readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Diagnostic } from '../compose/diagnostics.js';
import { findComposeFiles, findStackFolders, mapLimit, projectNameFrom } from '../compose/load/discover.js';
import { type LoadedStack, type LoadOptions, loadStack, loadWorkspace } from '../compose/stack.js';
import type { LiveFacts, Snapshot, StackFacts } from './types.js';

const STRAY = /(\.bak|\.orig|\.old|\.swp|~)$/;
const ENV_FILE = /^\.env(\..+)?$/;
const ENV_TEMPLATE = /\.(example|sample|dist|template|tpl)$/;
const README = /^(readme|runbook)(\.(md|txt|rst))?$/i;

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

async function modeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mode & 0o777;
  } catch {
    return undefined;
  }
}

async function factsOf(loaded: LoadedStack, inCatalog: boolean): Promise<StackFacts> {
  const dir = loaded.dir;
  const names = await entries(dir);
  const envPaths = new Set<string>();
  for (const n of names) if (ENV_FILE.test(n) && !ENV_TEMPLATE.test(n)) envPaths.add(join(dir, n));
  for (const service of Object.values(loaded.model.services ?? {})) {
    for (const e of service.env_file ?? []) envPaths.add(resolve(dir, e.path));
  }
  const envFiles: { path: string; mode: number }[] = [];
  for (const path of [...envPaths].sort()) {
    const mode = await modeOf(path);
    if (mode !== undefined) envFiles.push({ path, mode });
  }
  const composeDirs = [...new Set(loaded.files.map(dirname))];
  const strayFiles: string[] = [];
  for (const d of composeDirs)
    for (const n of (await entries(d)).sort()) if (STRAY.test(n)) strayFiles.push(join(d, n));
  return {
    name: loaded.name,
    dir,
    loaded,
    inCatalog,
    ...(loaded.ref.catalog ? { catalog: loaded.ref.catalog } : {}),
    hasReadme: names.some((n) => README.test(n)) || names.includes('docs'),
    envFiles,
    strayFiles,
  };
}

/**
 * Everything the rules look at, read once: the stacks (leniently: an audit reports on files as they
 * are, including ones `berth validate` rejects for cross-references), the files around them, and
 * the catalog. Stacks that cannot be parsed at all come back as diagnostics.
 */
export async function takeSnapshot(
  path: string,
  options: Omit<LoadOptions, 'lenient'>,
  live?: LiveFacts,
): Promise<{ snapshot: Snapshot; diagnostics: Diagnostic[] }> {
  const load = await loadWorkspace(path, { ...options, lenient: true });
  const diagnostics = load.diagnostics.filter(
    (d) => d.severity === 'error' && d.code !== 'SPEC_CATALOG_STACK_MISSING',
  );
  const workspace = load.workspace;
  const catalog = workspace?.catalog;
  const stacks: StackFacts[] = [];
  stacks.push(...(await mapLimit(load.stacks, 8, (s) => factsOf(s, workspace?.kind === 'catalog'))));

  const catalogOrphans: Snapshot['catalogOrphans'][number][] = [];
  if (workspace?.kind === 'catalog' && catalog) {
    for (const name of Object.keys(catalog.catalog.stacks)) {
      if (workspace.stacks.some((s) => s.name === name)) continue;
      const pos = catalog.locatePath(name);
      catalogOrphans.push({ name, line: pos.line, column: pos.column });
    }
    // Stack folders beside the catalog that it does not list.
    const listed = new Set(workspace.stacks.map((s) => resolve(s.dir)));
    for (const dir of await findStackFolders(workspace.root)) {
      if (listed.has(resolve(dir))) continue;
      const { files } = await findComposeFiles(dir);
      const result = await loadStack(
        { name: projectNameFrom(dir), nameFixed: false, dir, files },
        { ...options, lenient: true },
      );
      diagnostics.push(...result.diagnostics.filter((d) => d.severity === 'error'));
      if (result.stack) stacks.push(await factsOf(result.stack, false));
    }
  }
  const root = workspace?.root ?? resolve(path);
  return {
    snapshot: {
      root,
      ...(catalog?.catalog.name ? { name: catalog.catalog.name } : {}),
      ...(catalog ? { catalogFile: catalog.file } : {}),
      catalogOrphans,
      stacks: stacks.sort((a, b) => a.name.localeCompare(b.name)),
      ...(live ? { live } : {}),
    },
    // Errors of stacks that loaded are the rules' business; the rest are stacks that could not be read.
    diagnostics: diagnostics.filter((d) => !stacks.some((s) => s.loaded.sources.includes(d.file))),
  };
}
