import { resolve } from 'node:path';
import { builtinXBerthRegistry } from '../../app/registry.js';
import { type Diagnostic, formatDiagnostic, hasErrors, sortDiagnostics } from '../../compose/diagnostics.js';
import { loadWorkspace, type WorkspaceLoad } from '../../compose/stack.js';
import { displayPath, reportOf } from '../../compose/validate.js';
import { type CliIo, ExitCode } from '../io.js';

export interface StackOptions {
  readonly profile?: string[];
  readonly envFile?: string[];
}

/** Loads the stacks at a path for commands that need a valid model (config, graph). */
export async function loadForCommand(io: CliIo, path: string, options: StackOptions): Promise<WorkspaceLoad> {
  return loadWorkspace(resolve(io.cwd, path), {
    env: io.env,
    registry: builtinXBerthRegistry(),
    ...(options.profile ? { profiles: options.profile } : {}),
    ...(options.envFile ? { envFiles: options.envFile.map((f) => resolve(io.cwd, f)) } : {}),
  });
}

export function printDiagnostics(io: CliIo, diagnostics: readonly Diagnostic[], showWarnings = true): void {
  for (const d of sortDiagnostics(diagnostics)) {
    if (d.severity === 'warning' && !showWarnings) continue;
    io.stderr(`${formatDiagnostic({ ...d, file: displayPath(d.file, io.cwd) })}\n`);
  }
}

/**
 * Prints errors (warnings too) and returns the exit code when the load failed. With `json` (the
 * command was asked for JSON) they go to stdout in the shape `berth validate --json` prints, with
 * `valid: false`: `{"valid":false,"files":[{"path","valid","errors","warnings"}]}`.
 */
export function failIfInvalid(
  io: CliIo,
  load: WorkspaceLoad,
  options: { readonly json?: boolean } = {},
): ExitCode | undefined {
  if (hasErrors(load.diagnostics) || load.stacks.length === 0) {
    if (options.json) {
      const { files } = reportOf(load.files, load.diagnostics, io.cwd);
      io.stdout(`${JSON.stringify({ valid: false, files }, null, 2)}\n`);
    } else printDiagnostics(io, load.diagnostics);
    return ExitCode.Invalid;
  }
  return undefined;
}
