import { parseDuration } from '../compose/schema/units.js';

/**
 * Probe conditions, Gatus-style: `[STATUS] == 200`, `[RESPONSE_TIME] < 300`, `[BODY].status == UP`,
 * `[CERTIFICATE_EXPIRATION] > 14d`, `[DISK_USED_PERCENT] < 85`, `len([BODY].items) > 0`,
 * `[STATUS] == any(200, 204)`, `[BODY] == pat(*healthy*)`.
 *
 * Parsed once, at validation time, with the column of every mistake (the x-berth section turns it
 * into file:line:col); evaluated against what one probe run measured. Pure.
 */

export const PLACEHOLDERS = [
  'STATUS',
  'RESPONSE_TIME',
  'BODY',
  'CERTIFICATE_EXPIRATION',
  'DISK_USED_PERCENT',
  'CONNECTED',
  'IP',
  'DNS_RCODE',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export const OPERATORS = ['==', '!=', '<=', '>=', '<', '>'] as const;
export type Operator = (typeof OPERATORS)[number];

export type PathStep = string | number;

export type Operand =
  | { readonly kind: 'placeholder'; readonly name: Placeholder; readonly path: readonly PathStep[] }
  | { readonly kind: 'len'; readonly of: Extract<Operand, { kind: 'placeholder' }> }
  | { readonly kind: 'literal'; readonly text: string };

export type Right =
  | Operand
  | { readonly kind: 'any'; readonly values: readonly string[] }
  | { readonly kind: 'pat'; readonly pattern: string };

export interface Condition {
  readonly source: string;
  readonly left: Operand;
  readonly op: Operator;
  readonly right: Right;
}

export type Parsed =
  | { readonly ok: true; readonly condition: Condition }
  | { readonly ok: false; readonly message: string; readonly column: number; readonly hint: string };

/** What one probe run measured; a condition naming something its probe does not measure fails. */
export interface Measured {
  readonly status?: number;
  readonly responseTimeMs?: number;
  readonly body?: string;
  readonly certificateExpirationMs?: number;
  readonly diskUsedPercent?: number;
  readonly connected?: boolean;
  readonly ip?: string;
  readonly dnsRcode?: string;
}

export interface Verdict {
  readonly ok: boolean;
  /** Gatus-style: `[STATUS] (503) == 200`, the measured value in brackets, cut to 60 characters. */
  readonly detail: string;
}

const DAYS = /^(\d+(?:\.\d+)?)d$/;

/**
 * A number, or a duration in milliseconds: Go's (`300ms`, `1h30m`, as compose writes them) or whole
 * days (`14d`, for certificates); undefined for anything else.
 */
export function numeric(text: string): number | undefined {
  const t = text.trim();
  if (/^-?\d+(?:\.\d+)?$/.test(t)) return Number(t);
  const days = DAYS.exec(t);
  if (days) return Number(days[1]) * 86_400_000;
  return t === '' ? undefined : parseDuration(t);
}

class ParseError extends Error {
  constructor(
    message: string,
    readonly column: number,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** Splits `text` at its operator (outside brackets and parentheses): the first one found. */
function splitAtOperator(text: string): { left: string; op: Operator; right: string; at: number } {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (depth === 0) {
      const op = OPERATORS.find((o) => text.startsWith(o, i));
      if (op) return { left: text.slice(0, i), op, right: text.slice(i + op.length), at: i };
    }
  }
  throw new ParseError(
    'a condition compares two sides with ==, !=, <, <=, > or >=',
    1,
    'e.g. [STATUS] == 200',
  );
}

const nearest = (word: string): string | undefined =>
  PLACEHOLDERS.find((p) => p.startsWith(word.slice(0, 3).toUpperCase()));

function placeholder(text: string, column: number): Extract<Operand, { kind: 'placeholder' }> {
  const m = /^\[([A-Za-z_]+)\]((?:\.[^.[\]\s]+|\[\d+\])*)$/.exec(text);
  if (!m) {
    throw new ParseError(
      `${JSON.stringify(text)} is not a placeholder`,
      column,
      'a placeholder is [NAME], and [BODY] takes a path: [BODY].data[0].status',
    );
  }
  const name = m[1] ?? '';
  if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
    const guess = nearest(name);
    throw new ParseError(
      `unknown placeholder [${name}]`,
      column,
      guess ? `did you mean [${guess}]?` : `one of ${PLACEHOLDERS.map((p) => `[${p}]`).join(', ')}`,
    );
  }
  const path: PathStep[] = [];
  for (const step of (m[2] ?? '').matchAll(/\.([^.[\]\s]+)|\[(\d+)\]/g)) {
    path.push(step[1] !== undefined ? step[1] : Number(step[2]));
  }
  if (path.length > 0 && name !== 'BODY') {
    throw new ParseError(`[${name}] has no fields`, column, 'only [BODY] takes a path');
  }
  return { kind: 'placeholder', name: name as Placeholder, path };
}

function operand(raw: string, column: number): Operand {
  const text = raw.trim();
  const at = column + raw.indexOf(text);
  if (text === '') throw new ParseError('a side of the condition is empty', column, 'e.g. [STATUS] == 200');
  if (text.startsWith('[')) return placeholder(text, at);
  const call = /^(len)\((.*)\)$/.exec(text);
  if (call) return { kind: 'len', of: placeholder((call[2] ?? '').trim(), at + 4) };
  if (/^[a-z]+\(/.test(text)) {
    throw new ParseError(
      `unknown function in ${JSON.stringify(text)}`,
      at,
      'len() on the left; any() or pat() on the right',
    );
  }
  return { kind: 'literal', text };
}

function right(raw: string, column: number): Right {
  const text = raw.trim();
  const at = column + raw.indexOf(text);
  const call = /^(any|pat)\((.*)\)$/.exec(text);
  if (call?.[1] === 'pat') return { kind: 'pat', pattern: (call[2] ?? '').trim() };
  if (call?.[1] === 'any') {
    const values = (call[2] ?? '').split(',').map((v) => v.trim());
    if (values.some((v) => v === '')) {
      throw new ParseError('any() lists values separated by commas', at, 'e.g. any(200, 204)');
    }
    return { kind: 'any', values };
  }
  return operand(raw, column);
}

/** Parses one condition; columns count from 1 within `source`. */
export function parseCondition(source: string): Parsed {
  try {
    const { left, op, right: rest, at } = splitAtOperator(source);
    const l = operand(left, 1);
    if (l.kind === 'literal') {
      throw new ParseError(
        `the left side ${JSON.stringify(l.text)} is not a placeholder`,
        1 + left.indexOf(l.text),
        'put the measured value on the left: [STATUS] == 200',
      );
    }
    const r = right(rest, at + op.length + 1);
    if ((r.kind === 'any' || r.kind === 'pat') && op !== '==' && op !== '!=') {
      throw new ParseError(`${r.kind}() compares with == or !=`, at + 1, `e.g. [STATUS] == ${r.kind}(…)`);
    }
    if (op !== '==' && op !== '!=' && r.kind === 'literal' && numeric(r.text) === undefined) {
      throw new ParseError(
        `${op} needs a number or a duration, not ${JSON.stringify(r.text)}`,
        at + op.length + 1 + rest.indexOf(r.text),
        'e.g. [RESPONSE_TIME] < 300 or [CERTIFICATE_EXPIRATION] > 14d',
      );
    }
    return { ok: true, condition: { source: source.trim(), left: l, op, right: r } };
  } catch (error: unknown) {
    if (error instanceof ParseError) {
      return { ok: false, message: error.message, column: error.column, hint: error.hint };
    }
    throw error;
  }
}

/** Every placeholder a condition reads (to check it against what its probe type measures). */
export function placeholdersOf(condition: Condition): Placeholder[] {
  const of = (o: Right): Placeholder[] =>
    o.kind === 'placeholder' ? [o.name] : o.kind === 'len' ? [o.of.name] : [];
  return [...new Set([...of(condition.left), ...of(condition.right)])];
}
