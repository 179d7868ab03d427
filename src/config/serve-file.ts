import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Diagnostic, type Position, SpecCode } from '../compose/diagnostics.js';
import { decodeSource } from '../compose/load/source.js';
import { parseYaml } from '../compose/load/yaml.js';
import { type FileProblem, fileProblems } from './serve-file-problems.js';
import { type FileConfig, FileSchema } from './serve-file-schema.js';
import {
  MAX_CONFIG_BYTES,
  SERVE_CONFIG_CODE,
  type ServeConfigFile,
  type ServeConfigProblem,
} from './serve-types.js';

// The YAML config file of `berth serve`: read, parse with positions, check every key.

/** Hints of the shared YAML reader that speak of compose files, in the words of a serve config. */
function yamlProblem(file: string, d: Diagnostic): ServeConfigProblem {
  const base = { code: SERVE_CONFIG_CODE, file, line: d.line, column: d.column } as const;
  switch (d.code) {
    case SpecCode.YamlMultiDocument:
      return { ...base, message: d.message, hint: 'a serve config is one document: remove the `---`' };
    case SpecCode.YamlTooDeep:
      return {
        ...base,
        message: 'document is nested too deeply',
        hint: 'a serve config is a flat mapping of a few keys; check for runaway brackets or indentation',
      };
    case SpecCode.YamlAliasLimit:
      return { ...base, message: d.message, hint: 'a serve config needs no aliases; write the values out' };
    default:
      return d.severity === 'warning'
        ? { ...base, message: d.message, hint: 'a serve config takes no YAML tags: remove it' }
        : { ...base, message: d.message, hint: d.hint };
  }
}

export type FileResult =
  | { ok: true; config: FileConfig; locate: (key: string) => Position }
  | { ok: false; errors: ServeConfigProblem[] };

export function checkFile(file: ServeConfigFile): FileResult {
  const parsed = parseYaml(file.path, file.text);
  const yamlErrors = parsed.diagnostics.map((d) => yamlProblem(file.path, d));
  if (!parsed.ok) return { ok: false, errors: yamlErrors };
  const { doc } = parsed;
  const located = (p: FileProblem): ServeConfigProblem => ({
    code: SERVE_CONFIG_CODE,
    file: file.path,
    ...doc.locate(p.path, p.at),
    message: p.message,
    hint: p.hint,
  });
  const tagged = [...doc.directives.reset, ...doc.directives.override].map((at) =>
    located({
      path: at,
      at: 'value',
      message: 'the `!reset` and `!override` tags are for compose files',
      hint: 'a serve config takes no YAML tags: remove it',
    }),
  );
  // An empty file (or only comments) is a valid config that sets nothing.
  const value = doc.value ?? {};
  const result = FileSchema.safeParse(value);
  const errors = [
    ...yamlErrors,
    ...tagged,
    ...(result.success ? [] : fileProblems(result.error, value).map(located)),
  ];
  if (errors.length > 0 || !result.success) {
    return { ok: false, errors: errors.sort((a, b) => a.line - b.line || a.column - b.column) };
  }
  return { ok: true, config: result.data, locate: (key) => doc.locate([key], 'value') };
}

// ---------------------------------------------------------------------------------------------
// Flags and environment

/** Reads the config file; a missing, unreadable, huge or binary file is a located problem. */
export function readServeConfigFile(
  path: string,
  cwd: string,
  via: '--config' | 'BERTH_CONFIG' = '--config',
): { ok: true; file: ServeConfigFile } | { ok: false; errors: ServeConfigProblem[] } {
  const fail = (
    message: string,
    hint: string,
    at = { line: 0, column: 0 },
  ): { ok: false; errors: ServeConfigProblem[] } => ({
    ok: false,
    errors: [{ code: SERVE_CONFIG_CODE, file: path, ...at, message, hint }],
  });
  const absolute = resolve(cwd, path);
  let bytes: Buffer;
  try {
    const info = statSync(absolute);
    if (!info.isFile()) {
      return fail(
        info.isDirectory()
          ? 'the config file is a folder, not a file'
          : 'the config file is not a regular file',
        `give the path of a YAML file with ${via}`,
      );
    }
    if (info.size > MAX_CONFIG_BYTES) {
      return fail(
        `the config file is ${info.size} bytes, over the limit of ${MAX_CONFIG_BYTES}`,
        'a serve config is a few lines of YAML; check that this is the file you meant',
      );
    }
    bytes = readFileSync(absolute);
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return fail(
        `the config file does not exist (${absolute})`,
        `check the path given with ${via}; a relative path is relative to the current folder`,
      );
    }
    return fail(
      `cannot read the config file (${code})`,
      code === 'EACCES'
        ? 'check its permissions: the user running `berth serve` must be able to read it'
        : `check the path given with ${via}`,
    );
  }
  const decoded = decodeSource(path, bytes, { maxBytes: MAX_CONFIG_BYTES });
  if (!decoded.ok) {
    const d = decoded.diagnostic;
    return fail(
      d.message,
      'a serve config is a UTF-8 YAML text file; check that this is the file you meant',
      {
        line: d.line,
        column: d.column,
      },
    );
  }
  return { ok: true, file: { path, text: decoded.text } };
}
