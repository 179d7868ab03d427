import type { ContentFacts } from './backups.js';

/** `1 table`, `2 tables`. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line on what a backup holds, for lists and events. */
export function describeFacts(facts: ContentFacts): string {
  if (facts.tables) {
    const tables = Object.values(facts.tables);
    return `${plural(tables.length, 'table')}, ${plural(
      tables.reduce((a, b) => a + b, 0),
      'row',
    )}`;
  }
  if (facts.keys !== undefined) return plural(facts.keys, 'key');
  if (facts.files !== undefined) return `${plural(facts.files, 'file')}, ${plural(facts.bytes ?? 0, 'byte')}`;
  return 'no content facts';
}
