import { plural } from '../api/backup-facts.js';
import type { ContentFacts } from '../api/backups.js';

/**
 * What a restored copy lacks against the facts the backup recorded when it was taken: every table
 * with its row count, the key count, the files, their bytes and the folders. Tables the copy has
 * beyond the backup's are not a fault (servers add their own). Pure; empty means it matches.
 */
export function compareFacts(expected: ContentFacts, found: ContentFacts): string[] {
  const problems: string[] = [];
  for (const [table, rows] of Object.entries(expected.tables ?? {})) {
    const got = found.tables?.[table];
    if (got === undefined) problems.push(`table ${table} is missing`);
    else if (got !== rows) problems.push(`table ${table} has ${plural(got, 'row')}, the backup had ${rows}`);
  }
  if (expected.keys !== undefined && found.keys !== expected.keys) {
    problems.push(`${plural(found.keys ?? 0, 'key')} restored, the snapshot had ${expected.keys}`);
  }
  const volume: Array<[keyof ContentFacts, string]> = [
    ['files', 'file'],
    ['bytes', 'byte'],
    ['directories', 'folder'],
  ];
  for (const [field, word] of volume) {
    const want = expected[field];
    const got = found[field];
    if (typeof want === 'number' && got !== want) {
      problems.push(`${plural(typeof got === 'number' ? got : 0, word)} restored, the backup had ${want}`);
    }
  }
  if (expected.digest !== undefined && found.digest !== expected.digest) {
    problems.push('the restored files differ from the backup in a path, mode, owner or content (digest)');
  }
  return problems;
}
