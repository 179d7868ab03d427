import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type ParsedNode,
  parseDocument,
  type YAMLError,
} from 'yaml';
import {
  type Diagnostic,
  type Position,
  SpecCode,
  specError,
  specWarning,
  WHOLE_FILE,
} from '../diagnostics.js';
import { deref, isMergeKey, makeLocator } from './yaml-locate.js';

export type Path = readonly (string | number)[];

/** `!reset` and `!override` tags found in a document (compose-spec merge directives). */
export interface YamlDirectives {
  readonly reset: Path[];
  readonly override: Path[];
}

export interface ParsedYaml {
  readonly file: string;
  /** Plain JS value with `<<` merge keys applied and `!reset` values removed. */
  readonly value: unknown;
  readonly directives: YamlDirectives;
  /**
   * Where a path is written. `at: 'key'` points at the mapping key, `'value'` at the value.
   * Falls back to the deepest existing ancestor, so a position is always returned.
   */
  locate(path: Path, at?: 'key' | 'value'): Position;
  /** True when the path is written in this document (through aliases and merge keys). */
  has(path: Path): boolean;
}

export interface YamlLimits {
  /** Alias expansions allowed when building the value; stops "billion laughs" documents. */
  readonly maxAliasCount: number;
}

export const DEFAULT_YAML_LIMITS: YamlLimits = { maxAliasCount: 1000 };

export type YamlResult =
  | { ok: true; doc: ParsedYaml; diagnostics: Diagnostic[] }
  | { ok: false; diagnostics: Diagnostic[] };

const DIRECTIVE_TAGS = new Set(['!reset', '!override']);

function errorDiagnostic(file: string, lc: LineCounter, error: YAMLError): Diagnostic {
  const pos = lc.linePos(error.pos[0]);
  const at = { line: pos.line, column: pos.col };
  const message = error.message.split('\n')[0] ?? error.message;
  switch (error.code) {
    case 'DUPLICATE_KEY':
      return specError(
        SpecCode.YamlDuplicateKey,
        file,
        at,
        'duplicate key: this key is already set earlier in the same mapping',
        'remove one of the two entries; YAML keeps neither silently',
      );
    case 'MULTIPLE_DOCS':
      return specError(
        SpecCode.YamlMultiDocument,
        file,
        at,
        'file contains several YAML documents (`---`)',
        'a compose file is one document; split the others into their own files',
      );
    case 'RESOURCE_EXHAUSTION':
      return specError(
        SpecCode.YamlTooDeep,
        file,
        at,
        'document is nested too deeply or too large to be a compose file',
        'compose files nest a few levels deep; check for runaway brackets or indentation',
      );
    default:
      return specError(SpecCode.YamlSyntax, file, at, `YAML syntax error: ${message}`, yamlHint(error.code));
  }
}

function yamlHint(code: string): string {
  switch (code) {
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation: use spaces, and align keys of the same mapping';
    case 'TAB_AS_INDENT':
      return 'YAML does not allow tabs for indentation; use spaces';
    case 'BAD_ALIAS':
      return 'an alias (*name) must refer to an anchor (&name) defined above it';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return 'a key must fit on one line and be followed by `: `; quote values that contain `: `';
    default:
      return 'fix the YAML syntax at this position (quote strings that contain `: `, `#` or start with `*`, `&`, `!`)';
  }
}

/** A `<<` merge key whose value is not a mapping (or a list of mappings), which YAML cannot merge. */
function findBadMerge(doc: Document): { key: Node; what: string } | undefined {
  const stack: unknown[] = [doc.contents];
  for (let guard = 0; stack.length > 0 && guard < 1_000_000; guard++) {
    const node = stack.pop();
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isMergeKey(pair.key)) {
          const target = deref(doc, pair.value);
          const sources =
            isSeq(target) && !isAlias(pair.value) ? target.items.map((i) => deref(doc, i)) : [target];
          const bad = sources.find((src) => !isMap(src));
          if (bad !== undefined) {
            const what = isSeq(bad)
              ? 'a list'
              : isScalar(bad)
                ? `the scalar ${JSON.stringify(bad.value)}`
                : 'not a mapping';
            return { key: pair.key as Node, what };
          }
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) stack.push(...node.items);
  }
  return undefined;
}

/** Collects `!reset` / `!override` tagged nodes with their paths (not following aliases). */
function collectDirectives(doc: Document): YamlDirectives {
  const reset: Path[] = [];
  const override: Path[] = [];
  const stack: Array<{ node: unknown; path: (string | number)[] }> = [{ node: doc.contents, path: [] }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (!item) break;
    const { node, path } = item;
    const tag = (node as { tag?: string } | null)?.tag;
    if (tag === '!reset') reset.push(path);
    if (tag === '!override') override.push(path);
    if (isMap(node)) {
      for (const pair of node.items) {
        const k = isScalar(pair.key) ? pair.key.value : undefined;
        if (typeof k === 'string' || typeof k === 'number')
          stack.push({ node: pair.value, path: [...path, k] });
      }
    } else if (isSeq(node)) {
      node.items.forEach((child, i) => {
        stack.push({ node: child, path: [...path, i] });
      });
    }
  }
  return { reset, override };
}

function removePath(value: unknown, path: Path): void {
  let current: unknown = value;
  for (let i = 0; i < path.length - 1; i++) {
    if (current === null || typeof current !== 'object') return;
    current = (current as Record<string | number, unknown>)[path[i] as string | number];
  }
  const last = path[path.length - 1];
  if (last === undefined || current === null || typeof current !== 'object') return;
  if (Array.isArray(current) && typeof last === 'number') current.splice(last, 1);
  else delete (current as Record<string | number, unknown>)[last];
}

/** Parses one YAML document with exact positions, bounded against hostile input. */
export function parseYaml(file: string, text: string, limits: YamlLimits = DEFAULT_YAML_LIMITS): YamlResult {
  const lc = new LineCounter();
  let doc: Document.Parsed<ParsedNode>;
  try {
    doc = parseDocument(text, { lineCounter: lc, merge: true, uniqueKeys: true, prettyErrors: false });
  } catch (error: unknown) {
    return { ok: false, diagnostics: [tooComplex(file, error)] };
  }
  // The parser reports one "too deep" error per level it gives up on, and syntax errors that follow
  // from giving up: the first "too deep" says it all.
  const exhausted = doc.errors.find((e) => e.code === 'RESOURCE_EXHAUSTION');
  const errors = exhausted ? [exhausted] : doc.errors;
  const diagnostics = errors.map((e) => errorDiagnostic(file, lc, e));
  for (const w of doc.warnings) {
    if (w.code === 'TAG_RESOLVE_FAILED' && DIRECTIVE_TAGS.has(w.message.replace('Unresolved tag: ', '')))
      continue;
    const p = lc.linePos(w.pos[0]);
    diagnostics.push(
      specWarning(
        SpecCode.YamlSyntax,
        file,
        { line: p.line, column: p.col },
        `YAML: ${w.message}`,
        'compose understands only the `!reset` and `!override` tags; remove other tags',
      ),
    );
  }
  if (doc.errors.length > 0) return { ok: false, diagnostics };
  const badMerge = findBadMerge(doc);
  if (badMerge) {
    const p = lc.linePos(badMerge.key.range?.[0] ?? 0);
    diagnostics.push(
      specError(
        SpecCode.YamlSyntax,
        file,
        { line: p.line, column: p.col },
        `a \`<<\` merge key needs a mapping (or a list of mappings) to merge, but this one refers to ${badMerge.what}`,
        'to reuse a list, write the key itself with the alias (e.g. `volumes: *volumes`) instead of `<<: *volumes`',
      ),
    );
    return { ok: false, diagnostics };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error: unknown) {
    return { ok: false, diagnostics: [...diagnostics, tooComplex(file, error)] };
  }
  const directives = collectDirectives(doc);
  // Deepest first so that indexes of earlier siblings stay valid while removing.
  const deepestLast = (a: Path, b: Path) =>
    b.length - a.length || Number(b[b.length - 1]) - Number(a[a.length - 1]) || 0;
  for (const path of [...directives.reset].sort(deepestLast)) removePath(value, path);
  const { locate, has } = makeLocator(doc, lc);
  return { ok: true, doc: { file, value, directives, locate, has }, diagnostics };
}

function tooComplex(file: string, error: unknown): Diagnostic {
  const isAliasBomb = error instanceof ReferenceError && /alias/i.test(error.message);
  if (!isAliasBomb && !(error instanceof RangeError)) {
    const message = error instanceof Error ? error.message : String(error);
    return specError(
      SpecCode.YamlSyntax,
      file,
      WHOLE_FILE,
      `YAML cannot be read: ${message}`,
      'fix the YAML structure',
    );
  }
  return isAliasBomb
    ? specError(
        SpecCode.YamlAliasLimit,
        file,
        WHOLE_FILE,
        'document expands aliases (*name) too many times: it would grow exponentially (an "alias bomb")',
        'use each anchor a few times at most; compose files never need deep alias nesting',
      )
    : specError(
        SpecCode.YamlTooDeep,
        file,
        WHOLE_FILE,
        'document is nested too deeply to be a compose file',
        'compose files nest a few levels deep; check for runaway brackets or indentation',
      );
}
