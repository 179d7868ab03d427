import { describe, expect, it } from 'vitest';
import { describeFacts } from '../api/backup-facts.js';
import { compareFacts } from './facts.js';

describe('compareFacts', () => {
  it('passes a copy with every table and the same rows, extra tables allowed', () => {
    expect(
      compareFacts(
        { tables: { 'shop.a': 3, 'shop.b': 0 } },
        { tables: { 'shop.a': 3, 'shop.b': 0, 'mysql.x': 9 } },
      ),
    ).toEqual([]);
  });

  it('names each missing table and each count that differs', () => {
    expect(
      compareFacts(
        { tables: { 'shop.a': 3, 'shop.b': 1, 'shop.c': 5 } },
        { tables: { 'shop.a': 2, 'shop.c': 5 } },
      ),
    ).toEqual(['table shop.a has 2 rows, the backup had 3', 'table shop.b is missing']);
    expect(compareFacts({ tables: { t: 2 } }, {})).toEqual(['table t is missing']);
  });

  it('compares keys, files, bytes and folders', () => {
    expect(compareFacts({ keys: 10 }, { keys: 10 })).toEqual([]);
    expect(compareFacts({ keys: 10 }, { keys: 1 })).toEqual(['1 key restored, the snapshot had 10']);
    expect(compareFacts({ keys: 0 }, {})).toEqual(['0 keys restored, the snapshot had 0']);
    expect(
      compareFacts({ files: 3, bytes: 10, directories: 2 }, { files: 3, bytes: 9, directories: 2 }),
    ).toEqual(['9 bytes restored, the backup had 10']);
  });

  it('describes what a backup holds in one line', () => {
    expect(describeFacts({ tables: { a: 1, b: 2 } })).toBe('2 tables, 3 rows');
    expect(describeFacts({ keys: 1 })).toBe('1 key');
    expect(describeFacts({ files: 2, bytes: 1, directories: 1 })).toBe('2 files, 1 byte');
    expect(describeFacts({})).toBe('no content facts');
  });
});
