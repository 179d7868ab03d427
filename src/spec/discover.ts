import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type Diagnostic, SpecCode, specWarning, WHOLE_FILE } from './diagnostics.js';

/** The names `docker compose` looks for, in its order of preference. */
export const COMPOSE_FILE_NAMES = [
  'compose.yaml',
  'compose.yml',
  'docker-compose.yaml',
  'docker-compose.yml',
] as const;

export const CATALOG_FILE_NAME = 'berth.yaml';

export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
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
  const present: string[] = [];
  for (const name of COMPOSE_FILE_NAMES) if (await isFile(join(dir, name))) present.push(name);
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
  const files = [join(dir, base)];
  for (const name of overrideNamesFor(base)) {
    if (await isFile(join(dir, name))) {
      files.push(join(dir, name));
      break;
    }
  }
  return { files, diagnostics };
}

/** Sub-folders of `dir` that hold a compose file: the estate layout `<stack>/docker-compose.yml`. */
export async function findStackFolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const folders: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() || entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const { files } = await findComposeFiles(join(dir, entry.name));
    if (files.length > 0) folders.push(join(dir, entry.name));
  }
  return folders;
}

/** A compose project name from a folder name, by compose's rules: lowercase letters, digits, `-` and `_`. */
export function projectNameFrom(dirOrName: string): string {
  const normalized = basename(dirOrName)
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '')
    .replace(/^[^a-z0-9]+/, '');
  return normalized || 'default';
}

export const PROJECT_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]*$/;
