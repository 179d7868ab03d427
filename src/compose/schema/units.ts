/**
 * Pure parsers for the scalar formats compose borrows from Go and the Docker CLI. They return
 * `undefined` instead of throwing so schema transforms can turn a failure into an issue at the
 * exact path.
 */

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3, // U+00B5 micro sign
  μs: 1e-3, // U+03BC Greek mu: Go accepts both spellings
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const DURATION_TERM = /(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/**
 * A Go duration (`time.ParseDuration`: `1m30s`, `500ms`, `1.5h`, `10us`, `-2s`) in milliseconds,
 * fractional when below a millisecond. A bare number is invalid except `0`, as in Go.
 */
export function parseDuration(text: string): number | undefined {
  let sign = 1;
  let rest = text;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1;
    rest = rest.slice(1);
  }
  if (rest === '0') return 0;
  if (rest === '') return undefined;
  let total = 0;
  DURATION_TERM.lastIndex = 0;
  while (DURATION_TERM.lastIndex < rest.length) {
    const match = DURATION_TERM.exec(rest);
    if (match === null) return undefined;
    const [, amount = '', unit = ''] = match;
    const factor = DURATION_UNITS[unit];
    if (factor === undefined) return undefined;
    total += Number(amount) * factor;
  }
  const ms = sign * total;
  // Sub-millisecond units leave float noise (0.1 + 0.2); round to the nanosecond.
  return Math.round(ms * 1e6) / 1e6 || 0;
}

const BYTE_SIZE = /^(\d+(?:\.\d+)?) ?([kmgtp])?(i)?(b)?$/i;
const BYTE_POWERS: Readonly<Record<string, number>> = { k: 1, m: 2, g: 3, t: 4, p: 5 };

/**
 * A size in bytes as the Docker CLI reads it (`units.RAMInBytes`: powers of 1024, case-insensitive
 * `k`/`m`/`g`/`t`/`p` with optional `i` and `b`: `512m`, `1g`, `1gb`, `1GiB`, `2.5g`, `1024`).
 * Numbers are taken as bytes. `-1` (number or string) means "unlimited" for `memswap_limit`.
 */
export function parseBytes(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (value === '-1') return -1;
  const match = BYTE_SIZE.exec(value);
  if (match === null) return undefined;
  const [, amount = '', unit] = match;
  const power = unit === undefined ? 0 : (BYTE_POWERS[unit.toLowerCase()] ?? 0);
  return Math.trunc(Number(amount) * 1024 ** power);
}

/** Booleans written as strings, with the spellings compose accepts after interpolation (YAML 1.1). */
export function parseBoolean(text: string): boolean | undefined {
  switch (text.toLowerCase()) {
    case 'true':
    case 'yes':
    case 'y':
    case 'on':
      return true;
    case 'false':
    case 'no':
    case 'n':
    case 'off':
      return false;
    default:
      return undefined;
  }
}

/** A whole number written as digits (optional sign). Rejects `1.0`, `1e3`, hex and blanks. */
export function parseInteger(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[+-]?\d+$/.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A decimal number written as text (`0.5`, `2`, `.5`, `1e3`). Rejects blanks, hex and `Infinity`. */
export function parseNumber(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : undefined;
}

/** File modes are octal: a string `"0440"` or `"440"` is read in base 8; a YAML number is kept as written. */
export function parseFileMode(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  const text = value.trim().replace(/^0o/i, '');
  return /^[0-7]+$/.test(text) ? Number.parseInt(text, 8) : undefined;
}

/** Milliseconds back to the shortest Go-style duration (`90000` → `1m30s`); 0 or less → `0s`. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  // Whole milliseconds are what an operator reads; sub-millisecond values (`10us`) stay exact.
  let rest = ms >= 1 ? Math.round(ms) : ms;
  let out = '';
  for (const [unit, size] of [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    const n = Math.floor(rest / size);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * size;
  }
  if (rest > 0) out += `${Number(rest.toFixed(6))}ms`;
  return out;
}
