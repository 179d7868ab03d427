import type { Locate } from '../checks.js';
import type { Diagnostic } from '../diagnostics.js';
import type { ComposeFile } from '../schema/model.js';
import { readEnvFiles } from './env.js';
import type { Lookup } from './interpolate.js';

/**
 * A service's final environment, as `docker compose config` shows it: values from its `env_file`s
 * (in order), overridden by `environment:`; a variable written without a value takes the value of
 * the project environment, and stays unset (null) when there is none.
 */
export async function resolveServiceEnvironment(
  model: ComposeFile,
  lookup: Lookup,
  locate: Locate,
): Promise<{
  model: ComposeFile;
  files: string[];
  diagnostics: Diagnostic[];
  /** Per service, the values its env files gave: they are treated as secrets. */
  fromFiles: Record<string, string[]>;
}> {
  const files: string[] = [];
  const fileValues: Record<string, string[]> = {};
  const diagnostics: Diagnostic[] = [];
  const services: Record<string, unknown> = {};
  for (const [name, service] of Object.entries(model.services ?? {})) {
    const fromFiles: Record<string, string> = {};
    for (const [i, entry] of (service.env_file ?? []).entries()) {
      const read = await readEnvFiles([entry.path], lookup, { required: entry.required });
      files.push(...read.read);
      Object.assign(fromFiles, read.vars);
      for (const d of read.diagnostics) {
        // A missing file is reported where the compose file names it.
        if (d.line === 0) {
          const { file, pos } = locate(['services', name, 'env_file', i]);
          diagnostics.push({
            ...d,
            file,
            line: pos.line,
            column: pos.column,
            message: `env file ${entry.path} not found`,
          });
        } else diagnostics.push(d);
      }
    }
    const environment: Record<string, string | null> = { ...fromFiles };
    for (const [key, value] of Object.entries(service.environment ?? {})) {
      environment[key] = value ?? lookup(key) ?? null;
    }
    services[name] = { ...service, environment };
    fileValues[name] = Object.values(fromFiles);
  }
  return { model: { ...model, services } as ComposeFile, files, diagnostics, fromFiles: fileValues };
}
