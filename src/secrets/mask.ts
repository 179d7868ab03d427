import { MASK } from './detect.js';

/**
 * Shorter values are left alone: masking every `1` or `yes` would make text unreadable and hide
 * nothing (nobody uses a three-character password for a database, and if so it is guessable).
 */
export const MIN_MASKED_LENGTH = 4;

const literally = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A function that replaces every occurrence of any of `values` in a text by MASK. Longer values
 * are matched first, so a secret that contains another is hidden whole.
 */
export function valueMasker(values: readonly string[]): (text: string) => string {
  // A multi-line value (a PEM key) is also hidden line by line: output is masked a line at a time.
  const pieces = values.flatMap((v) =>
    v.includes('\n') ? [v, ...v.split(/\r?\n/).map((l) => l.trim())] : [v],
  );
  const kept = [...new Set(pieces.filter((v) => v.length >= MIN_MASKED_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  if (kept.length === 0) return (text) => text;
  const pattern = new RegExp(kept.map(literally).join('|'), 'g');
  return (text) => text.replace(pattern, MASK);
}
