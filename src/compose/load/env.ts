import { join } from 'node:path';
import { type Diagnostic, SpecCode, specError, specWarning } from '../diagnostics.js';
import { isFile } from './discover.js';
import { parseDotenv } from './dotenv.js';
import type { Lookup } from './interpolate.js';
import { readSource } from './source.js';

/** Variables visible to interpolation in a project: the caller's environment over the project's `.env`. */
export interface ProjectEnv {
  readonly lookup: Lookup;
  /** The variables read from those files (what `.env` holds): their values are treated as secrets. */
  readonly vars: Readonly<Record<string, string>>;
  /** The files that contributed variables, in order. */
  readonly files: string[];
  readonly diagnostics: Diagnostic[];
}

/**
 * Reads env files with compose's semantics: later files override earlier ones; inside values,
 * `${VAR}` sees the `outside` variables first, then the lines read so far.
 */
export async function readEnvFiles(
  files: readonly string[],
  outside: Lookup,
  options: { required: boolean } = { required: false },
): Promise<{ vars: Record<string, string>; diagnostics: Diagnostic[]; read: string[] }> {
  const vars: Record<string, string> = {};
  const diagnostics: Diagnostic[] = [];
  const read: string[] = [];
  for (const file of files) {
    if (!(await isFile(file))) {
      if (options.required) {
        diagnostics.push(
          specError(
            SpecCode.EnvFileMissing,
            file,
            { line: 0, column: 0 },
            'env file not found',
            'create it or fix the path',
          ),
        );
      }
      continue;
    }
    const source = await readSource(file);
    if (!source.ok) {
      diagnostics.push(source.diagnostic);
      continue;
    }
    read.push(file);
    const lookup: Lookup = (name) => outside(name) ?? vars[name];
    const parsed = parseDotenv(source.text, lookup);
    Object.assign(vars, parsed.vars);
    for (const issue of parsed.issues) {
      diagnostics.push(
        specError(
          SpecCode.EnvFileSyntax,
          file,
          issue,
          issue.message,
          'write one `KEY=value` per line; quote values with spaces or `#`',
        ),
      );
    }
    for (const issue of parsed.interpolationIssues) {
      const code =
        issue.kind === 'required'
          ? SpecCode.InterpolationRequired
          : issue.kind === 'syntax'
            ? SpecCode.InterpolationSyntax
            : SpecCode.InterpolationUnset;
      const make = issue.kind === 'unset' ? specWarning : specError;
      diagnostics.push(make(code, file, issue, issue.message, interpolationHint(issue.kind, issue.variable)));
    }
  }
  return { vars, diagnostics, read };
}

export function interpolationHint(kind: 'required' | 'syntax' | 'unset', variable: string): string {
  switch (kind) {
    case 'required':
      return `set ${variable} in the environment or in the stack's .env file`;
    case 'syntax':
      return `write \${NAME}, \${NAME:-default} or \${NAME:?message}; use $$ for a literal dollar sign`;
    case 'unset':
      return `set ${variable} (environment or .env), give a default with \${${variable}:-value}, or write $$ for a literal $`;
  }
}

/** The project environment of a stack folder: its `.env` (or the given env files) under the caller's env. */
export async function projectEnv(
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
  envFiles?: readonly string[],
): Promise<ProjectEnv> {
  const files = envFiles ?? [join(dir, '.env')];
  const { vars, diagnostics, read } = await readEnvFiles(files, (name) => env[name], {
    required: envFiles !== undefined,
  });
  return { lookup: (name) => env[name] ?? vars[name], vars, files: read, diagnostics };
}
