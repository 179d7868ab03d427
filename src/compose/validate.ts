import { isAbsolute, relative } from 'node:path';
import { type Diagnostic, sortDiagnostics } from './diagnostics.js';
import { loadWorkspace } from './stack.js';
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
}

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

/** Validates workspaces, stack folders or compose files; never throws for bad input. */
export async function validatePaths(
  paths: readonly string[],
  options: ValidateOptions,
): Promise<ValidationReport> {
  const files: string[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const path of paths) {
    const result = await loadWorkspace(path, options);
    files.push(...result.files);
    diagnostics.push(...result.diagnostics);
  }
  return reportOf([...new Set(files)], diagnostics, options.cwd);
}

export function isValid(report: ValidationReport): boolean {
  return report.files.every((f) => f.valid);
}
