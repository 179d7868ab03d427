import { isAbsolute, relative } from 'node:path';
import { type Diagnostic, sortDiagnostics } from './diagnostics.js';
import type { PathLoad, RegistrySource } from './pool/protocol.js';
import type { LoadOptions } from './stack.js';
import type { XBerthRegistry } from './xberth/registry.js';

/** One diagnostic in the stable JSON shape other tools consume. */
export interface DiagnosticJson {
  readonly code: string;
  readonly message: string;
  readonly line: number;
  readonly column: number;
  readonly hint: string;
}

export interface FileReport {
  readonly path: string;
  readonly valid: boolean;
  readonly errors: DiagnosticJson[];
  readonly warnings: DiagnosticJson[];
}

/** `berth validate --json`: `{"files":[{"path","valid","errors":[...],"warnings":[...]}]}`. */
export interface ValidationReport {
  readonly files: FileReport[];
}

export interface ValidateOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly registry: XBerthRegistry;
  /** Paths in the report are shown relative to this folder when inside it. */
  readonly cwd?: string;
  readonly profiles?: readonly string[];
  /**
   * Where a worker thread can build `registry` again. Given, many paths are validated in a pool of
   * worker threads, one per core; without it (or for a few paths) in this thread.
   */
  readonly registrySource?: RegistrySource;
  /**
   * Threads loading (with registrySource): 1 is this thread alone. More are this one and
   * `threads - 1` workers when a registry is given, else `threads` workers (this thread only hands
   * out the paths). By default one per core once there are POOL_MIN_PATHS paths or more.
   */
  readonly threads?: number;
}

/**
 * ValidateOptions without the registry: the threads that load build it from `registrySource`, so a
 * thread that only hands paths out to workers never loads the x-berth sections.
 */
export type SourcedValidateOptions = Omit<ValidateOptions, 'registry' | 'registrySource'> & {
  readonly registry?: undefined;
  readonly registrySource: RegistrySource;
};

type AnyValidateOptions = ValidateOptions | SourcedValidateOptions;

/** Fewer paths than this are validated in this thread: starting a worker costs more than it saves. */
export const POOL_MIN_PATHS = 48;

const toJson = (d: Diagnostic): DiagnosticJson => ({
  code: d.code,
  message: d.message,
  line: d.line,
  column: d.column,
  hint: d.hint,
});

export function displayPath(file: string, cwd: string | undefined): string {
  if (!cwd || !isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel === '' ? '.' : rel.startsWith('..') ? file : rel;
}

/** Groups diagnostics by file, keeping files that were read without findings. */
export function reportOf(
  files: readonly string[],
  diagnostics: readonly Diagnostic[],
  cwd?: string,
): ValidationReport {
  const order: string[] = [];
  const byFile = new Map<string, Diagnostic[]>();
  const add = (file: string) => {
    if (!byFile.has(file)) {
      byFile.set(file, []);
      order.push(file);
    }
  };
  for (const f of files) add(f);
  for (const d of sortDiagnostics(diagnostics)) {
    add(d.file);
    byFile.get(d.file)?.push(d);
  }
  return {
    files: order.map((file) => {
      const diags = byFile.get(file) ?? [];
      const errors = diags.filter((d) => d.severity === 'error').map(toJson);
      return {
        path: displayPath(file, cwd),
        valid: errors.length === 0,
        errors,
        warnings: diags.filter((d) => d.severity === 'warning').map(toJson),
      };
    }),
  };
}

/**
 * Loads each path in this thread, several at once so that reads overlap; results in path order.
 * The compose model's modules (and the registry's) are imported here, when this thread loads: a
 * thread that only hands paths to workers does without them.
 */
async function loadHere(paths: readonly string[], options: AnyValidateOptions): Promise<PathLoad[]> {
  const [{ mapLimit }, { loadPath, READS_IN_FLIGHT }, registry] = await Promise.all([
    import('./load/discover.js'),
    import('./pool/load-path.js'),
    options.registry ?? registryOf(options.registrySource),
  ]);
  const load: LoadOptions = {
    env: options.env,
    registry,
    ...(options.profiles ? { profiles: options.profiles } : {}),
  };
  return mapLimit(paths, READS_IN_FLIGHT, (path) => loadPath(path, load));
}

async function registryOf(source: RegistrySource | undefined): Promise<XBerthRegistry> {
  if (source === undefined) throw new Error('validatePaths needs a registry or a registry source');
  const { registryFrom } = await import('./pool/registry-source.js');
  return registryFrom(source);
}

/** Many paths go to worker threads (when a registry source says how to rebuild the registry there). */
async function loadAll(paths: readonly string[], options: AnyValidateOptions): Promise<PathLoad[]> {
  // An explicit thread count is followed; by default the pool is for many paths, one thread per core.
  const asked = options.threads;
  if (
    options.registrySource === undefined ||
    asked === 1 ||
    (asked === undefined && paths.length < POOL_MIN_PATHS)
  ) {
    return loadHere(paths, options);
  }
  const { loadInPool, poolSize } = await import('./pool/validate-pool.js');
  const threads = Math.min(asked ?? poolSize(paths.length), paths.length);
  if (threads < 2) return loadHere(paths, options);
  const setup = {
    registry: options.registrySource,
    env: { ...options.env },
    ...(options.profiles ? { profiles: [...options.profiles] } : {}),
  };
  // A worker that cannot start or fails is no reason to fail the validation: do it here instead.
  // A caller that built the registry has the model's modules loaded (and maybe compiled, warm): its
  // thread is one of the `threads` and loads batches too. Without, it only hands out the batches.
  const fallback = () => loadHere(paths, options);
  if (options.registry === undefined) return loadInPool(paths, setup, threads).catch(fallback);
  return loadInPool(paths, setup, threads - 1, (batch) => loadHere(batch, options)).catch(fallback);
}

/**
 * Validates workspaces, stack folders or compose files; never throws for bad input. The report is
 * the same however the paths were loaded (in this thread or a pool): in the order of `paths`.
 */
export async function validatePaths(
  paths: readonly string[],
  options: AnyValidateOptions,
): Promise<ValidationReport> {
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const result of await loadAll(paths, options)) {
    files.push(...result.files);
    diagnostics.push(...result.diagnostics);
  }
  return reportOf([...new Set(files)], diagnostics, options.cwd);
}

export function isValid(report: ValidationReport): boolean {
  return report.files.every((f) => f.valid);
}
