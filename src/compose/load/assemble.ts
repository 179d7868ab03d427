import { type Diagnostic, hasErrors, type Position, SpecCode, specError } from '../diagnostics.js';
import { mergeCompose } from '../merge/merge.js';
import { projectEnv } from './env.js';
import { resolveExtends } from './extends.js';
import { includeEntries, mergeIncluded } from './include.js';
import type { Lookup } from './interpolate.js';
import { type LoadedFile, loadComposeFile } from './load-file.js';
import { rebaseCompose } from './rebase.js';
import type { SourceLimits } from './source.js';
import type { Path } from './yaml.js';

type Mapping = Record<string, unknown>;
const isMapping = (v: unknown): v is Mapping => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The compose files of a project merged into one raw document, with includes and extends resolved. */
export interface Assembled {
  readonly raw: Mapping;
  /** Every compose file read, for positions and reports (includes and extends sources too). */
  readonly sources: LoadedFile[];
  readonly envFiles: string[];
  readonly diagnostics: Diagnostic[];
}

export interface AssembleInput {
  readonly files: readonly string[];
  readonly dir: string;
  readonly lookup: Lookup;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly limits?: SourceLimits;
  /** Files of the projects that include this one, to stop include loops. */
  readonly chain?: readonly string[];
}

/** Finds where a path is written, looking at the last file that writes it (overrides win). */
export function locateAcross(sources: readonly LoadedFile[], path: Path, at: 'key' | 'value' = 'value') {
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    for (let i = sources.length - 1; i >= 0; i--) {
      const source = sources[i];
      if (source?.doc.has(prefix)) return { file: source.file, pos: source.doc.locate(path, at) };
    }
  }
  const first = sources[0];
  return {
    file: first?.file ?? '',
    pos: first ? first.doc.locate([]) : ({ line: 0, column: 0 } as Position),
  };
}

export async function assemble(input: AssembleInput): Promise<Assembled> {
  const diagnostics: Diagnostic[] = [];
  const sources: LoadedFile[] = [];
  const envFiles: string[] = [];
  const cache = new Map<string, LoadedFile | undefined>();
  const load = async (file: string) => {
    if (!cache.has(file)) {
      const result = await loadComposeFile(file, input.lookup, input.limits);
      diagnostics.push(...result.diagnostics);
      if (result.loaded) sources.push(result.loaded);
      cache.set(file, hasErrors(result.diagnostics) ? undefined : result.loaded);
    }
    return cache.get(file);
  };

  let raw: Mapping = {};
  for (const file of input.files) {
    const loaded = await load(file);
    if (!loaded) continue;
    // Compose resolves relative paths of override files against the project directory too.
    let doc = rebaseCompose(input.dir, loaded.raw);
    for (const entry of includeEntries(loaded.raw, file)) {
      const includePath = ['include', entry.index];
      const pos = loaded.doc.locate(includePath);
      const loop = [...(input.chain ?? []), ...input.files].find((f) => entry.files.includes(f));
      if (loop) {
        diagnostics.push(
          specError(
            SpecCode.IncludeCycle,
            file,
            pos,
            `include loops back to ${loop}`,
            'remove the include that closes the loop',
          ),
        );
        continue;
      }
      const env = await projectEnv(entry.projectDirectory, input.env, entry.envFiles);
      envFiles.push(...env.files);
      diagnostics.push(...env.diagnostics);
      const included = await assemble({
        files: entry.files,
        dir: entry.projectDirectory,
        lookup: env.lookup,
        env: input.env,
        ...(input.limits ? { limits: input.limits } : {}),
        chain: [...(input.chain ?? []), ...input.files],
      });
      sources.push(...included.sources);
      envFiles.push(...included.envFiles);
      diagnostics.push(...included.diagnostics);
      const { include: _, ...withoutInclude } = doc;
      const merged = mergeIncluded(withoutInclude, included.raw, { file, pos, includePath });
      diagnostics.push(...merged.diagnostics);
      doc = merged.merged;
    }
    const { include: _, ...rest } = doc;
    raw = mergeCompose(raw, rest, loaded.doc.directives);
  }

  if (isMapping(raw.services)) {
    // The merged document has no file of its own: positions come from whichever file wrote the key.
    const firstFile = input.files[0] ?? input.dir;
    const host = {
      servicesOf: async (f: string) => {
        const loaded = await load(f);
        return loaded && isMapping(loaded.raw.services) ? loaded.raw.services : undefined;
      },
      locate: (f: string, path: Path, at?: 'key' | 'value') => {
        const own = f === firstFile ? undefined : sources.find((s) => s.file === f);
        return own ? { file: f, pos: own.doc.locate(path, at) } : locateAcross(sources, path, at);
      },
    };
    const resolved = await resolveExtends(firstFile, raw.services, host);
    diagnostics.push(...resolved.diagnostics);
    raw = { ...raw, services: resolved.services };
  }
  // One file that merging left as it was: its own document, which the schema has checked already
  // (checkComposeFile remembers the result for that object).
  const only = input.files.length === 1 && sources.length === 1 ? sources[0] : undefined;
  if (only && sameValue(raw, only.raw)) raw = only.raw;
  return { raw, sources, envFiles, diagnostics };
}

/** Deep equality of plain data (what YAML and interpolation make), key order included. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every(
    (key, i) =>
      key === keysB[i] && sameValue((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  );
}
