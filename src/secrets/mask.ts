import { MASK } from './detect.js';

/**
 * Shorter values are left alone: masking every `1` or `yes` would make text unreadable and hide
 * nothing (nobody uses a three-character password for a database, and if so it is guessable).
 */
export const MIN_MASKED_LENGTH = 4;

const literally = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A function that replaces every occurrence of any of `values` in a text by MASK (or by what
 * `replacement` gives for the value). Longer values are matched first, so a secret that contains
 * another is hidden whole.
 */
export function valueMasker(
  values: readonly string[],
  replacement?: (value: string) => string,
): (text: string) => string {
  // A multi-line value (a PEM key) is also hidden line by line: output is masked a line at a time.
  const pieces = values.flatMap((v) =>
    v.includes('\n') ? [v, ...v.split(/\r?\n/).map((l) => l.trim())] : [v],
  );
  const kept = [...new Set(pieces.filter((v) => v.length >= MIN_MASKED_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  if (kept.length === 0) return (text) => text;
  const pattern = new RegExp(kept.map(literally).join('|'), 'g');
  if (replacement === undefined) return (text) => text.replace(pattern, MASK);
  return (text) => text.replace(pattern, (value) => replacement(value));
}

/** Keys that hold free-form maps (labels, environment, options): `keep` does not apply below them. */
const FREE_FORM = new Set([
  'labels',
  'env',
  'environment',
  'args',
  'tmpfs',
  'sysctls',
  'options',
  'driverOpts',
  'driver_opts',
  'annotations',
  'extensions',
  'attributes',
]);

/**
 * A copy of a JSON-like tree with `mask` applied to every string in it, for answers and records whose
 * text may quote a secret in any field. Keys stay as they are, and so does whatever is under a key
 * of `keep` (names and enums the reader relies on: a stack, a service, a step's kind), except inside
 * free-form maps (labels, environment…), whose keys are the user's.
 */
export function maskStrings<T>(
  value: T,
  mask: (text: string) => string,
  keep: ReadonlySet<string> = new Set(),
): T {
  const walk = (v: unknown, keeping: boolean): unknown => {
    if (typeof v === 'string') return mask(v);
    if (Array.isArray(v)) return v.map((item) => walk(item, keeping));
    if (v === null || typeof v !== 'object') return v;
    return Object.fromEntries(
      Object.entries(v).map(([k, child]) => [
        k,
        keeping && keep.has(k) ? child : walk(child, keeping && !FREE_FORM.has(k)),
      ]),
    );
  };
  return walk(value, keep.size > 0) as T;
}

/**
 * Masks an error's message, hint and stack in place (they end up in answers, records and the log),
 * and returns it, so a caller can `throw maskError(error, mask)`.
 */
export function maskError(error: unknown, mask: (text: string) => string): unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? mask(error) : error;
  const stack = error.stack;
  error.message = mask(error.message);
  if (typeof stack === 'string') error.stack = mask(stack);
  const e = error as { hint?: unknown };
  if (typeof e.hint === 'string') {
    try {
      e.hint = mask(e.hint);
    } catch {
      // A read-only hint (a frozen error) stays as it is: the message and stack are what is shown.
    }
  }
  return error;
}
