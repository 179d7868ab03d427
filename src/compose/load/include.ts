import { dirname, resolve } from 'node:path';
import { type Diagnostic, type Position, SpecCode, specError } from '../diagnostics.js';
import type { Path } from './yaml.js';

type Mapping = Record<string, unknown>;
const isMapping = (v: unknown): v is Mapping => v !== null && typeof v === 'object' && !Array.isArray(v);

/** One `include:` entry, normalized: the files of the included project and where it lives. */
export interface IncludeEntry {
  readonly index: number;
  readonly files: string[];
  readonly projectDirectory: string;
  readonly envFiles?: string[];
}

const asList = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** Reads the `include:` of a raw document; paths resolve against the including file's folder. */
export function includeEntries(raw: Mapping, file: string): IncludeEntry[] {
  const dir = dirname(file);
  const include = raw.include;
  if (!Array.isArray(include)) return [];
  return include.flatMap((entry, index): IncludeEntry[] => {
    if (typeof entry === 'string') {
      const path = resolve(dir, entry);
      return [{ index, files: [path], projectDirectory: dirname(path) }];
    }
    if (!isMapping(entry)) return [];
    const files = asList(entry.path).map((p) => resolve(dir, p));
    const first = files[0];
    if (first === undefined) return [];
    const projectDirectory =
      typeof entry.project_directory === 'string' ? resolve(dir, entry.project_directory) : dirname(first);
    const envFiles =
      entry.env_file === undefined ? undefined : asList(entry.env_file).map((p) => resolve(dir, p));
    return [{ index, files, projectDirectory, ...(envFiles ? { envFiles } : {}) }];
  });
}

const RESOURCE_KINDS = ['services', 'networks', 'volumes', 'secrets', 'configs', 'models'] as const;

/**
 * Adds the resources of an included project to the including document. As compose does, a resource
 * defined on both sides is a conflict, unless both definitions are identical.
 */
export function mergeIncluded(
  target: Mapping,
  included: Mapping,
  at: { file: string; pos: Position; includePath: Path },
): { merged: Mapping; diagnostics: Diagnostic[] } {
  const merged: Mapping = { ...target };
  const diagnostics: Diagnostic[] = [];
  for (const kind of RESOURCE_KINDS) {
    const theirs = included[kind];
    if (!isMapping(theirs)) continue;
    const ours: Mapping = isMapping(merged[kind]) ? { ...(merged[kind] as Mapping) } : {};
    for (const [name, definition] of Object.entries(theirs)) {
      if (name in ours && JSON.stringify(ours[name]) !== JSON.stringify(definition)) {
        diagnostics.push(
          specError(
            SpecCode.IncludeConflict,
            at.file,
            at.pos,
            `${kind}.${name} is defined both here and in the included project`,
            `rename one of them, or remove it from one side (use an override file to change an included ${kind.slice(0, -1)})`,
          ),
        );
        continue;
      }
      ours[name] = definition;
    }
    merged[kind] = ours;
  }
  return { merged, diagnostics };
}
