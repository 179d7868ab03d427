import { isAbsolute, relative } from 'node:path';
import { type Diagnostic, sortDiagnostics } from './diagnostics.js';
import { mapLimit } from './load/discover.js';
import { loadPath, READS_IN_FLIGHT } from './pool/load-path.js';
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
   * Threads loading (with registrySource): this one and `threads - 1` workers; by default one per
   * core once there are POOL_MIN_PATHS paths or more. 1 keeps everything in this thread.
   */
  readonly threads?: number;
}

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

/** Loads each path in this thread, several at once so that reads overlap; results in path order. */
function loadHere(paths: readonly string[], options: LoadOptions): Promise<PathLoad[]> {
  return mapLimit(paths, READS_IN_FLIGHT, (path) => loadPath(path, options));
}

/** Many paths go to worker threads (when a registry source says how to rebuild the registry there). */
async function loadAll(paths: readonly string[], options: ValidateOptions): Promise<PathLoad[]> {
  const load: LoadOptions = {
    env: options.env,
    registry: options.registry,
    ...(options.profiles ? { profiles: options.profiles } : {}),
  };
  // An explicit thread count is followed; by default the pool is for many paths, one thread per core.
  const asked = options.threads;
  if (
    options.registrySource === undefined ||
    asked === 1 ||
    (asked === undefined && paths.length < POOL_MIN_PATHS)
  ) {
    return loadHere(paths, load);
  }
  const { loadInPool, poolSize } = await import('./pool/validate-pool.js');
  // This thread is one of them: it loads batches too, while the workers start.
  const threads = Math.min(asked ?? poolSize(paths.length), paths.length);
  if (threads < 2) return loadHere(paths, load);
  const setup = {
    registry: options.registrySource,
    env: { ...options.env },
    ...(options.profiles ? { profiles: [...options.profiles] } : {}),
  };
  // A worker that cannot start or fails is no reason to fail the validation: do it here instead.
  return loadInPool(paths, setup, threads - 1, (batch) => loadHere(batch, load)).catch(() =>
    loadHere(paths, load),
  );
}

/**
 * Validates workspaces, stack folders or compose files; never throws for bad input. The report is
 * the same however the paths were loaded (in this thread or a pool): in the order of `paths`.
 */
export async function validatePaths(
  paths: readonly string[],
  options: ValidateOptions,
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
