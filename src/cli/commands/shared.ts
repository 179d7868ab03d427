import { resolve } from 'node:path';
import { builtinXBerthRegistry } from '../../app/registry.js';
import { type Diagnostic, formatDiagnostic, hasErrors, sortDiagnostics } from '../../compose/diagnostics.js';
import { loadWorkspace, type WorkspaceLoad } from '../../compose/stack.js';
import { displayPath } from '../../compose/validate.js';
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

/** Prints errors (warnings too with `verbose`) and returns the exit code when the load failed. */
export function failIfInvalid(io: CliIo, load: WorkspaceLoad): ExitCode | undefined {
  if (hasErrors(load.diagnostics) || load.stacks.length === 0) {
    printDiagnostics(io, load.diagnostics);
    return ExitCode.Invalid;
  }
  return undefined;
}
