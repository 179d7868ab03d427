import { basename, dirname, join, resolve } from 'node:path';
import { type Diagnostic, SpecCode, specError, WHOLE_FILE } from '../diagnostics.js';
import { type CatalogStack, type LoadedCatalog, loadCatalog } from './catalog.js';
import {
  CATALOG_FILE_NAME,
  findComposeFiles,
  findStackFolders,
  isDirectory,
  isFile,
  projectNameFrom,
} from './discover.js';

/** Where a stack's files are, before they are read. */
export interface StackRef {
  /** Project name: the catalog key, or derived from the folder (or the compose `name:` later). */
  readonly name: string;
  /** True when the name came from the catalog and must not be replaced by the compose `name:`. */
  readonly nameFixed: boolean;
  /** Project directory: relative paths in compose files resolve against it. */
  readonly dir: string;
  /** Compose files to merge, in order. */
  readonly files: string[];
  readonly catalog?: CatalogStack;
}

export type WorkspaceKind = 'catalog' | 'estate' | 'stack' | 'file';

export interface Workspace {
  readonly root: string;
  readonly kind: WorkspaceKind;
  readonly catalog?: LoadedCatalog;
  readonly stacks: StackRef[];
}

export interface WorkspaceResult {
  readonly workspace?: Workspace;
  readonly diagnostics: Diagnostic[];
}

async function fromCatalog(file: string): Promise<WorkspaceResult> {
  const { catalog, diagnostics } = await loadCatalog(file);
  if (!catalog) return { diagnostics };
  const root = dirname(file);
  const stacks: StackRef[] = [];
  for (const [name, entry] of Object.entries(catalog.catalog.stacks)) {
    const dir = resolve(root, entry.path);
    const files = entry.files ? entry.files.map((f) => resolve(dir, f)) : (await findComposeFiles(dir)).files;
    const missing = entry.files
      ? (await Promise.all(files.map(isFile))).some((ok) => !ok)
      : files.length === 0;
    if (!(await isDirectory(dir)) || missing) {
      diagnostics.push(
        specError(
          SpecCode.CatalogStackMissing,
          file,
          catalog.locatePath(name),
          `stack \`${name}\`: no compose file at ${entry.files ? files.join(', ') : dir}`,
          `create ${join(entry.path, 'compose.yaml')}, fix \`path\`, or remove the entry from ${CATALOG_FILE_NAME}`,
        ),
      );
      continue;
    }
    stacks.push({ name, nameFixed: true, dir, files, catalog: entry });
  }
  return { workspace: { root, kind: 'catalog', catalog, stacks }, diagnostics };
}

/**
 * Finds the stacks at a path: a folder with berth.yaml (catalog), a folder of stack folders
 * (estate layout `<stack>/docker-compose.yml`), one stack folder, or one compose file.
 */
export async function resolveWorkspace(input: string): Promise<WorkspaceResult> {
  const path = resolve(input);
  if (await isFile(path)) {
    if (basename(path) === CATALOG_FILE_NAME) return fromCatalog(path);
    const dir = dirname(path);
    return {
      workspace: {
        root: dir,
        kind: 'file',
        stacks: [{ name: projectNameFrom(dir), nameFixed: false, dir, files: [path] }],
      },
      diagnostics: [],
    };
  }
  if (!(await isDirectory(path))) {
    return {
      diagnostics: [
        specError(
          SpecCode.FileUnreadable,
          input,
          WHOLE_FILE,
          'no such file or folder',
          'give a compose file, a stack folder, or a workspace folder with berth.yaml',
        ),
      ],
    };
  }
  if (await isFile(join(path, CATALOG_FILE_NAME))) return fromCatalog(join(path, CATALOG_FILE_NAME));
  const own = await findComposeFiles(path);
  if (own.files.length > 0) {
    return {
      workspace: {
        root: path,
        kind: 'stack',
        stacks: [{ name: projectNameFrom(path), nameFixed: false, dir: path, files: own.files }],
      },
      diagnostics: own.diagnostics,
    };
  }
  const folders = await findStackFolders(path);
  if (folders.length === 0) {
    return {
      diagnostics: [
        specError(
          SpecCode.NoComposeFile,
          input,
          WHOLE_FILE,
          'no compose file here: expected berth.yaml, compose.yaml (or docker-compose.yml), or stack folders that hold one',
          'run Berth on the folder of a stack or of a workspace, or name the compose file',
        ),
      ],
    };
  }
  const stacks: StackRef[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const dir of folders) {
    const found = await findComposeFiles(dir);
    diagnostics.push(...found.diagnostics);
    stacks.push({ name: projectNameFrom(dir), nameFixed: false, dir, files: found.files });
  }
  return { workspace: { root: path, kind: 'estate', stacks }, diagnostics };
}
