import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type Diagnostic, SpecCode, specWarning, WHOLE_FILE } from '../diagnostics.js';
import { type InputKind, inputKindOf, noteInput } from './inputs.js';
import { statPath } from './source.js';

/** The names `docker compose` looks for, in its order of preference. */
export const COMPOSE_FILE_NAMES = [
  'compose.yaml',
  'compose.yml',
  'docker-compose.yaml',
  'docker-compose.yml',
] as const;

export const CATALOG_FILE_NAME = 'berth.yaml';

/** `stat`'s kind of entry at `path`, noted as an input of the running load. */
export async function kindAt(path: string): Promise<InputKind> {
  let kind: InputKind;
  try {
    kind = inputKindOf(await statPath(path));
  } catch {
    kind = 'missing';
  }
  noteInput(path, kind);
  return kind;
}

export async function isFile(path: string): Promise<boolean> {
  return (await kindAt(path)) === 'file';
}

export async function isDirectory(path: string): Promise<boolean> {
  return (await kindAt(path)) === 'dir';
}

/** The entries of a folder, noted as an input of the running load (its listing, not its files). */
async function listFolder(dir: string): Promise<Dirent[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    noteInput(dir, 'dir');
    return entries;
  } catch (error: unknown) {
    await kindAt(dir); // missing, or not a folder: note what is there
    throw error;
  }
}

/** The override files `docker compose` merges onto a base file when no file is named explicitly. */
export function overrideNamesFor(baseName: string): string[] {
  const stem = baseName.replace(/\.ya?ml$/, '');
  return [`${stem}.override.yaml`, `${stem}.override.yml`];
}

export interface ComposeFiles {
  readonly files: string[];
  readonly diagnostics: Diagnostic[];
}

/** Finds the compose file of a stack folder and its override file, as `docker compose` does. */
export async function findComposeFiles(dir: string): Promise<ComposeFiles> {
  // One readdir instead of a stat per candidate name: estates have hundreds of stack folders.
  let names: Set<string>;
  try {
    names = new Set(
      (await listFolder(dir)).filter((e) => e.isFile() || e.isSymbolicLink()).map((e) => e.name),
    );
  } catch {
    return { files: [], diagnostics: [] };
  }
  const present = COMPOSE_FILE_NAMES.filter((name) => names.has(name));
  const [base, ...ignored] = present;
  if (base === undefined) return { files: [], diagnostics: [] };
  const diagnostics = ignored.map((name) =>
    specWarning(
      SpecCode.NoComposeFile,
      join(dir, name),
      WHOLE_FILE,
      `ignored: ${base} is also in this folder and takes precedence`,
      `keep one compose file per stack folder (merge ${name} into ${base}, or rename it ${overrideNamesFor(base)[0]})`,
    ),
  );
  const override = overrideNamesFor(base).find((name) => names.has(name));
  return { files: [join(dir, base), ...(override ? [join(dir, override)] : [])], diagnostics };
}

/** Runs `task` over `items` with at most `limit` at once, keeping the results in order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Sub-folders of `dir` that hold a compose file: the estate layout `<stack>/docker-compose.yml`. */
export async function findStackFolders(dir: string): Promise<string[]> {
  const entries = (await listFolder(dir))
    .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
    .sort((a, b) => a.name.localeCompare(b.name));
  const found = await mapLimit(entries, 16, async (e) =>
    (await findComposeFiles(join(dir, e.name))).files.length > 0 ? join(dir, e.name) : undefined,
  );
  return found.filter((f): f is string => f !== undefined);
}

/** A compose project name from a folder name, by compose's rules: lowercase letters, digits, `-` and `_`. */
export function projectNameFrom(dirOrName: string): string {
  const normalized = basename(dirOrName)
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[^a-z0-9]+/, '');
  return normalized || 'default';
}
