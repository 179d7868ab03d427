/**
 * Parser for compose `.env` and `env_file` text, following compose-go's `dotenv` package.
 *
 * Where compose-go is quirky we keep its observable behaviour (pinned by tests):
 * - an inline comment in an unquoted value starts at " #" (a space, not a tab): `A=b #c` is `b`, `A=b#c`
 *   and `A=b\t#c` keep the `#`; `A= #c` is `#c` because the blanks after `=` are skipped first;
 * - `KEY: value` (YAML style) is accepted like `KEY=value`;
 * - inside single quotes `\'` is a quote and every other backslash is literal;
 * - interpolation inside a value looks at `lookup` first, then at keys defined earlier in the file,
 *   while a `KEY=value` line itself is never overridden by `lookup`.
 * Where compose-go fails the whole file or silently misparses, we report an issue on that line and go on:
 * bad keys (compose-go skips keys starting with a digit without a word), unterminated quotes, and text
 * after a closing quote (compose-go would start a new statement there).
 * CRLF is read as LF, also inside multi-line quoted values, and a leading UTF-8 BOM is ignored.
 * Columns count UTF-16 code units from 1; line 1 is the first line after the BOM.
 */
import { type InterpolationIssue, interpolate, type Lookup } from './interpolate.js';

/** 1-based. */
export interface DotenvIssue {
  line: number;
  column: number;
  message: string;
}

export interface DotenvResult {
  vars: Record<string, string>;
  issues: DotenvIssue[];
  /** Positioned at the first character of the value (the opening quote for quoted values). */
  interpolationIssues: Array<InterpolationIssue & { line: number; column: number }>;
}

/** Go's unicode.IsSpace minus the line feed, which ends a statement. */
const BLANK = /[\t\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const TRAILING_SPACE = /[\s\u0085]+$/u;
const KEY_CHAR = /^[\p{L}\p{N}_.\-[\]]$/u;
const DIGIT = /^\p{N}$/u;
const EXPORT_PREFIX = /^export[\t ]+(?=[^\t ])/;
const OCTAL_DIGITS = /^[0-7]{3}$/;

const DOUBLE_QUOTE_ESCAPES: Readonly<Record<string, string>> = {
  '"': '"',
  '\\': '\\',
  a: '\u0007',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  // Doubled so the interpolation step that follows turns it into one literal dollar.
  $: '$$',
};

interface State {
  readonly src: string;
  readonly lineStarts: readonly number[];
  readonly lookup: Lookup;
  readonly vars: Map<string, string>;
  readonly issues: DotenvIssue[];
  readonly interpolationIssues: DotenvResult['interpolationIssues'];
}

function position(st: State, index: number): { line: number; column: number } {
  let lo = 0;
  let hi = st.lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((st.lineStarts[mid] ?? 0) <= index) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: index - (st.lineStarts[lo] ?? 0) + 1 };
}

function addIssue(st: State, index: number, message: string): void {
  st.issues.push({ ...position(st, index), message });
}

function lineEnd(src: string, from: number): number {
  const nl = src.indexOf('\n', from);
  return nl < 0 ? src.length : nl;
}

function skipBlanks(src: string, from: number, end: number): number {
  let i = from;
  while (i < end && BLANK.test(src[i] ?? '')) i++;
  return i;
}

/** Offset and message of the first problem in a key, or undefined when the key is acceptable. */
function checkKey(
  key: string,
  separator: string | undefined,
): { offset: number; message: string } | undefined {
  if (key === '') return { offset: 0, message: `missing variable name before "${separator ?? ''}"` };
  let offset = 0;
  for (const ch of key) {
    if (BLANK.test(ch)) {
      return { offset, message: `variable name ${JSON.stringify(key)} cannot contain whitespace` };
    }
    if (!KEY_CHAR.test(ch)) {
      return {
        offset,
        message: `unexpected character ${JSON.stringify(ch)} in variable name ${JSON.stringify(key)}`,
      };
    }
    if (offset === 0 && DIGIT.test(ch)) {
      return { offset, message: `variable name ${JSON.stringify(key)} must not start with a digit` };
    }
    offset += ch.length;
  }
  return undefined;
}

function interpolateValue(st: State, key: string, raw: string, at: number): string {
  const local: Lookup = (name) => st.lookup(name) ?? st.vars.get(name);
  const result = interpolate(raw, local);
  const pos = position(st, at);
  for (const issue of result.issues) {
    // A syntax error would quote the value (a password with a `$` in it): name the key instead.
    const shown =
      issue.kind === 'syntax'
        ? {
            kind: issue.kind,
            variable: key,
            message: `invalid interpolation format in the value of ${key}${issue.reason ? ` (${issue.reason})` : ''}, not shown; use $$ for a literal dollar sign, or single quotes for no interpolation`,
          }
        : issue;
    st.interpolationIssues.push({ ...shown, ...pos });
  }
  return result.value;
}

/** Decodes the escape starting at the backslash `at`; returns the text and how many characters it used. */
function doubleQuoteEscape(src: string, at: number): [string, number] {
  const next = src[at + 1] ?? '';
  const simple = DOUBLE_QUOTE_ESCAPES[next];
  if (simple !== undefined) return [simple, 2];
  if (next === '0') {
    // XSI echo style: \0 plus exactly three octal digits; anything else stays as written, like compose-go.
    let digits = '';
    while (digits.length < 3 && /[0-9]/.test(src[at + 2 + digits.length] ?? '')) {
      digits += src[at + 2 + digits.length];
    }
    const code = Number.parseInt(digits, 8);
    if (OCTAL_DIGITS.test(digits) && code <= 0o377) return [String.fromCharCode(code), 2 + digits.length];
    return [`\\0${digits}`, 2 + digits.length];
  }
  return [`\\${next}`, 2];
}

/** Parses a quoted value whose quote is at `open`; returns the index where the next statement may start. */
function parseQuoted(st: State, key: string, open: number, keyLineEnd: number): number {
  const { src } = st;
  const quote = src[open];
  let text = '';
  let i = open + 1;
  while (i < src.length && src[i] !== quote) {
    const ch = src[i] ?? '';
    if (ch !== '\\' || i + 1 >= src.length) {
      text += ch;
      i++;
    } else if (quote === '"') {
      const [decoded, used] = doubleQuoteEscape(src, i);
      text += decoded;
      i += used;
    } else {
      const next = src[i + 1] ?? '';
      text += next === "'" ? "'" : `\\${next}`;
      i += 2;
    }
  }
  if (i >= src.length) {
    const firstLine = src.slice(open, keyLineEnd);
    // The value is not quoted back: a .env holds passwords, and this message reaches answers and logs.
    addIssue(
      st,
      open,
      `unterminated quoted value for ${key}: no closing ${quote} (${firstLine.length} characters on this line, not shown)`,
    );
    return keyLineEnd + 1;
  }
  const end = lineEnd(src, i);
  const after = skipBlanks(src, i + 1, end);
  if (after < end && src[after] !== '#') {
    const junk = src.slice(after, end).replace(TRAILING_SPACE, '');
    addIssue(
      st,
      after,
      `unexpected text after the closing quote of ${key} (${junk.length} characters, not shown)`,
    );
  }
  st.vars.set(key, quote === '"' ? interpolateValue(st, key, text, open) : text);
  return end + 1;
}

/** Parses the statement starting on the line at `start`; returns the index where the next one may start. */
function parseStatement(st: State, start: number): number {
  const { src } = st;
  const end = lineEnd(src, start);
  let i = skipBlanks(src, start, end);
  if (i >= end || src[i] === '#') return end + 1;

  const exported = EXPORT_PREFIX.exec(src.slice(i, end));
  if (exported !== null) i += exported[0].length;

  let sep = i;
  while (sep < end && src[sep] !== '=' && src[sep] !== ':') sep++;
  const key = src.slice(i, sep).replace(TRAILING_SPACE, '');
  const problem = checkKey(key, src[sep]);
  if (problem !== undefined) {
    addIssue(st, i + problem.offset, problem.message);
    return end + 1;
  }

  if (sep >= end) {
    // A bare KEY passes the caller's value through, as compose does for env_file entries.
    const inherited = st.lookup(key);
    if (inherited !== undefined) st.vars.set(key, inherited);
    return end + 1;
  }

  const valueStart = skipBlanks(src, sep + 1, end);
  const first = src[valueStart];
  if (valueStart < end && (first === '"' || first === "'")) return parseQuoted(st, key, valueStart, end);

  let raw = src.slice(valueStart, end);
  const comment = raw.indexOf(' #');
  if (comment >= 0) raw = raw.slice(0, comment);
  raw = raw.replace(TRAILING_SPACE, '');
  st.vars.set(key, interpolateValue(st, key, raw, valueStart));
  return end + 1;
}

/** Parse a compose `.env` / `env_file` text. `lookup` supplies variables from outside (the process environment) for interpolation inside values; variables defined earlier in the same file are visible to later lines. */
export function parseDotenv(text: string, lookup: Lookup): DotenvResult {
  const src = (text.startsWith('\uFEFF') ? text.slice(1) : text).replace(/\r\n/g, '\n');
  const lineStarts = [0];
  for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const st: State = { src, lineStarts, lookup, vars: new Map(), issues: [], interpolationIssues: [] };
  let pos = 0;
  while (pos < src.length) pos = parseStatement(st, pos);
  return {
    vars: Object.fromEntries(st.vars),
    issues: st.issues,
    interpolationIssues: st.interpolationIssues,
  };
}
