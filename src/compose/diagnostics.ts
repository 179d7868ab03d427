import { closest, distance } from 'fastest-levenshtein';

/** Stable codes of everything the stack model can report. Other tools match on these: never rename one. */
export const SpecCode = {
  /** File could not be read (missing, permission, a folder where a file was expected). */
  FileUnreadable: 'SPEC_FILE_UNREADABLE',
  FileTooLarge: 'SPEC_FILE_TOO_LARGE',
  FileBinary: 'SPEC_FILE_BINARY',
  FileNotUtf8: 'SPEC_FILE_NOT_UTF8',
  YamlSyntax: 'SPEC_YAML_SYNTAX',
  YamlDuplicateKey: 'SPEC_YAML_DUPLICATE_KEY',
  YamlAliasLimit: 'SPEC_YAML_ALIAS_LIMIT',
  YamlTooDeep: 'SPEC_YAML_TOO_DEEP',
  YamlMultiDocument: 'SPEC_YAML_MULTI_DOCUMENT',
  NotAMapping: 'SPEC_NOT_A_MAPPING',
  UnknownKey: 'SPEC_UNKNOWN_KEY',
  InvalidType: 'SPEC_INVALID_TYPE',
  InvalidValue: 'SPEC_INVALID_VALUE',
  MissingKey: 'SPEC_MISSING_KEY',
  NotApplied: 'SPEC_NOT_APPLIED',
  Deprecated: 'SPEC_DEPRECATED',
  InterpolationRequired: 'SPEC_INTERPOLATION_REQUIRED',
  InterpolationSyntax: 'SPEC_INTERPOLATION_SYNTAX',
  InterpolationUnset: 'SPEC_INTERPOLATION_UNSET',
  EnvFileSyntax: 'SPEC_ENV_FILE_SYNTAX',
  EnvFileMissing: 'SPEC_ENV_FILE_MISSING',
  UnknownService: 'SPEC_UNKNOWN_SERVICE',
  UnknownNetwork: 'SPEC_UNKNOWN_NETWORK',
  UnknownVolume: 'SPEC_UNKNOWN_VOLUME',
  UnknownSecret: 'SPEC_UNKNOWN_SECRET',
  UnknownConfig: 'SPEC_UNKNOWN_CONFIG',
  /** The host file of a `file:` secret or config a service uses does not exist. */
  SecretFileMissing: 'SPEC_SECRET_FILE_MISSING',
  ConfigFileMissing: 'SPEC_CONFIG_FILE_MISSING',
  DependencyCycle: 'SPEC_DEPENDENCY_CYCLE',
  ExtendsCycle: 'SPEC_EXTENDS_CYCLE',
  ExtendsInvalid: 'SPEC_EXTENDS_INVALID',
  IncludeCycle: 'SPEC_INCLUDE_CYCLE',
  IncludeConflict: 'SPEC_INCLUDE_CONFLICT',
  NoComposeFile: 'SPEC_NO_COMPOSE_FILE',
  NoServices: 'SPEC_NO_SERVICES',
  CatalogInvalid: 'SPEC_CATALOG_INVALID',
  CatalogStackMissing: 'SPEC_CATALOG_STACK_MISSING',
  /** Two stacks of one workspace deploy under the same project name. */
  StackNameClash: 'SPEC_STACK_NAME_CLASH',
  ServiceNoImage: 'SPEC_SERVICE_NO_IMAGE',
  XBerthInvalid: 'SPEC_XBERTH_INVALID',
  XBerthUnknownKey: 'SPEC_XBERTH_UNKNOWN_KEY',
} as const;
export type SpecCode = (typeof SpecCode)[keyof typeof SpecCode];

export type Severity = 'error' | 'warning';

/** One finding about a file. Line and column are 1-based; 0 means "the file as a whole". */
export interface Diagnostic {
  readonly code: SpecCode;
  readonly severity: Severity;
  readonly message: string;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly hint: string;
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

export const WHOLE_FILE: Position = { line: 0, column: 0 };

export function diagnostic(
  code: SpecCode,
  severity: Severity,
  file: string,
  pos: Position,
  message: string,
  hint: string,
): Diagnostic {
  return { code, severity, file, line: pos.line, column: pos.column, message, hint };
}

export function specError(
  code: SpecCode,
  file: string,
  pos: Position,
  message: string,
  hint: string,
): Diagnostic {
  return diagnostic(code, 'error', file, pos, message, hint);
}

export function specWarning(
  code: SpecCode,
  file: string,
  pos: Position,
  message: string,
  hint: string,
): Diagnostic {
  return diagnostic(code, 'warning', file, pos, message, hint);
}

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === 'error');
}

/** `file:line:col` as editors and terminals link it. */
export function formatLocation(d: Pick<Diagnostic, 'file' | 'line' | 'column'>): string {
  return d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
}

/** One human line per diagnostic: `file:7:5 error SPEC_UNKNOWN_KEY message (hint)`. */
export function formatDiagnostic(d: Diagnostic): string {
  const hint = d.hint ? `\n    hint: ${d.hint}` : '';
  return `${formatLocation(d)}: ${d.severity} ${d.code}: ${d.message}${hint}`;
}

/**
 * The nearest candidate to a misspelt word, if it is close enough to be a plausible typo
 * (at most a third of the word's length in edits, and never more than 3).
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  // One-letter or two-letter words are "near" almost anything: a suggestion would mislead.
  if (candidates.length === 0 || word.length < 3) return undefined;
  const best = closest(word, [...candidates]);
  const limit = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  return distance(word, best) <= limit ? best : undefined;
}

export function didYouMean(word: string, candidates: readonly string[]): string {
  const best = nearest(word, candidates);
  return best === undefined ? '' : `did you mean \`${best}\`?`;
}

/** Sort for stable output: by file, then position, then code. */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column || a.code.localeCompare(b.code),
  );
}
