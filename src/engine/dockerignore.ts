import { posix } from 'node:path';

// .dockerignore with the Docker CLI's semantics: patterns are cleaned paths
// relative to the context root, `*`/`?` do not cross `/`, `**` crosses any
// number of directories, `!` re-includes, the last matching pattern wins, and
// a pattern matching a parent directory matches everything below it.

export interface IgnoreRule {
  readonly pattern: string;
  readonly exception: boolean;
  readonly regex: RegExp;
}

/** The file's patterns, cleaned as the CLI does (`!` kept as a prefix). */
export function parseDockerignore(text: string): string[] {
  const patterns: string[] = [];
  for (const rawLine of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    if (rawLine.startsWith('#')) continue;
    let line = rawLine.trim();
    if (line === '') continue;
    const exception = line.startsWith('!');
    if (exception) line = line.slice(1).trim();
    if (line !== '') line = cleanPattern(line);
    patterns.push(exception ? `!${line}` : line);
  }
  return patterns;
}

/** Like Go's filepath.Clean, then without a leading slash: patterns are relative to the context. */
function cleanPattern(pattern: string): string {
  let clean = posix.normalize(pattern);
  if (clean.length > 1 && clean.endsWith('/')) clean = clean.slice(0, -1);
  if (clean.length > 1 && clean.startsWith('/')) clean = clean.slice(1);
  return clean;
}

const REGEX_SPECIAL = new Set(['.', '+', '(', ')', '|', '{', '}', '$']);

/** The CLI's translation of one pattern into an anchored regular expression. */
export function patternToRegex(pattern: string): RegExp {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (ch === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') i++;
        // `**` at the end matches everything; elsewhere any number of directories, even none.
        source += i + 1 >= pattern.length ? '.*' : '(.*/)?';
      } else {
        source += '[^/]*';
      }
    } else if (ch === '?') {
      source += '[^/]';
    } else if (ch === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) source += '\\\\';
      else {
        source += `\\${next}`;
        i++;
      }
    } else if (REGEX_SPECIAL.has(ch)) {
      source += `\\${ch}`;
    } else {
      source += ch;
    }
  }
  try {
    return new RegExp(`${source}$`);
  } catch {
    // An unbalanced `[` cannot match anything, as in Go's filepath.Match.
    return /(?!)/;
  }
}

export function compileRules(patterns: readonly string[]): IgnoreRule[] {
  return patterns
    .filter((pattern) => pattern !== '' && pattern !== '!')
    .map((pattern) => {
      const exception = pattern.startsWith('!');
      const body = exception ? pattern.slice(1) : pattern;
      return { pattern: body, exception, regex: patternToRegex(body) };
    });
}

/** Whether `relPath` (slash-separated, relative to the context) is left out of the build context. */
export function isExcluded(rules: readonly IgnoreRule[], relPath: string): boolean {
  const parents = posix.dirname(relPath) === '.' ? [] : posix.dirname(relPath).split('/');
  let excluded = false;
  for (const rule of rules) {
    // Only a rule that could flip the current answer needs evaluating.
    if (rule.exception !== excluded) continue;
    let match = rule.regex.test(relPath);
    for (let depth = 1; !match && depth <= parents.length; depth++) {
      match = rule.regex.test(parents.slice(0, depth).join('/'));
    }
    if (match) excluded = !rule.exception;
  }
  return excluded;
}

export interface ContextFilter {
  /** Whether the entry goes into the build context. */
  includes(relPath: string): boolean;
  /** Whether a folder must be walked: it is included, or an exception may re-include something inside. */
  walks(relDir: string): boolean;
}

const GLOB = /[*?[\\]/;

/**
 * The build context filter: the Dockerfile and .dockerignore are always sent
 * (the builder needs them, as with the CLI). An excluded folder is walked,
 * without being sent itself, only when an exception pattern may re-include
 * something inside it (the CLI's rule, plus any exception with a wildcard).
 */
export function contextFilter(patterns: readonly string[], dockerfile: string): ContextFilter {
  const rules = compileRules(patterns);
  const keep = [posix.normalize(dockerfile), '.dockerignore'];
  const exceptions = rules.filter((rule) => rule.exception).map((rule) => rule.pattern);
  const includes = (relPath: string) => keep.includes(relPath) || !isExcluded(rules, relPath);
  return {
    includes,
    walks(relDir) {
      if (includes(relDir)) return true;
      const prefix = `${relDir}/`;
      if (keep.some((path) => path.startsWith(prefix))) return true;
      return exceptions.some((pattern) => GLOB.test(pattern) || `${pattern}/`.startsWith(prefix));
    },
  };
}
