import { describe, expect, it } from 'vitest';
import { unifiedDiff } from './fix-diff.js';

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`);

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\n', 'a\n', 'f')).toBe('');
  });

  it('shows a change with three lines of context and correct ranges', () => {
    const before = `${lines(10).join('\n')}\n`;
    const after = before.replace('line 5\n', 'line five\n');
    expect(unifiedDiff(before, after, 'x/compose.yaml')).toBe(
      [
        '--- a/x/compose.yaml',
        '+++ b/x/compose.yaml',
        '@@ -2,7 +2,7 @@',
        ' line 2',
        ' line 3',
        ' line 4',
        '-line 5',
        '+line five',
        ' line 6',
        ' line 7',
        ' line 8',
        '',
      ].join('\n'),
    );
  });

  it('splits distant changes into hunks and counts insertions', () => {
    const a = lines(30);
    const b = [...a];
    b.splice(2, 0, 'inserted');
    b[27] = 'changed';
    const diff = unifiedDiff(`${a.join('\n')}\n`, `${b.join('\n')}\n`, 'f');
    expect(diff.match(/^@@.*@@$/gm)).toEqual(['@@ -1,5 +1,6 @@', '@@ -24,7 +25,7 @@']);
  });
});
