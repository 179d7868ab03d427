import { describe, expect, it } from 'vitest';
import { errorTail, isToolMissing, toolMissing } from './types.js';

const result = (exitCode: number, stderr = '', stdout = '') => ({ exitCode, stdout, stderr });

describe('isToolMissing', () => {
  it('not found (127), not executable (126), or the engine’s own words: missing', () => {
    expect(isToolMissing(result(127))).toBe(true);
    expect(isToolMissing(result(126))).toBe(true);
    expect(
      isToolMissing(
        result(255, 'OCI runtime exec failed: exec: "sqlite3": executable file not found in $PATH'),
      ),
    ).toBe(true);
  });

  it('a tool that ran, whatever it answered, is there', () => {
    expect(isToolMissing(result(0, '', '3.40.1'))).toBe(false);
    expect(isToolMissing(result(1, 'rm: unrecognized option: version'))).toBe(false);
  });
});

describe('toolMissing', () => {
  it('names one tool, or the alternatives, and the container', () => {
    const one = toolMissing(['sqlite3'], 'rv-web-web-1');
    expect([one.code, one.message]).toEqual([
      'BACKUP_TOOL_MISSING',
      'sqlite3 is not in the image of rv-web-web-1',
    ]);
    expect(toolMissing(['mariadb', 'mysql'], 'db-1', 'use another image')).toMatchObject({
      message: 'none of mariadb, mysql is in the image of db-1',
      hint: 'use another image',
    });
  });
});

describe('errorTail', () => {
  it('keeps short output whole, and the end of long output in whole lines only', () => {
    expect(errorTail('  short error\n', 50)).toBe('short error');
    const secret = 'Sup3rS3cretValue';
    const long = `${'x'.repeat(40)} password=${secret}\nline two\nthe last line`;
    // The cut falls inside the secret's line: that line goes, the whole lines after it stay.
    expect(errorTail(long, 30)).toBe('…\nline two\nthe last line');
    expect(errorTail(long, 30)).not.toContain('Value');
    // One long line cut anywhere keeps nothing of it.
    expect(errorTail(`token ${secret}`, 8)).toBe('…');
  });
});
