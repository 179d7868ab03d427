import { describe, expect, it } from 'vitest';
import { formatTable } from './commands/remote.js';
import type { CliIo } from './io.js';
import { printable, printableIo, printableLines, rawIo } from './printable.js';

describe('printable', () => {
  it('escapes every control character of one line, visibly', () => {
    expect(printable('a\u001b[2Kb\rc\nd\te\u0007f\u007fg\u009bh\u202ei\u2028j')).toBe(
      'a\\e[2Kb\\rc\\nd\\te\\u0007f\\u007fg\\u009bh\\u202ei\\u2028j',
    );
    expect(printable('plain text, accents é and emoji 🚢')).toBe('plain text, accents é and emoji 🚢');
  });

  it('keeps newline and tab in text of several lines', () => {
    expect(printableLines('one\ttwo\nthree\r\u001b]0;title\u0007\n')).toBe(
      'one\ttwo\nthree\\r\\e]0;title\\u0007\n',
    );
  });

  it('leaves JSON output valid and meaning the same: what JSON leaves raw becomes a JSON escape', () => {
    const value = { name: 'a\u202eb\u0085c\u007fd\u2028e\u001bf\ng' };
    const text = printableLines(JSON.stringify(value, null, 2));
    expect([...text].filter((ch) => (ch.codePointAt(0) ?? 0) >= 0x7f)).toEqual([]);
    expect(JSON.parse(text)).toEqual(value);
  });

  it('keeps a table cell on its line', () => {
    const table = formatTable(['NAME', 'OUTCOME'], [['evil\nroot', 'ok\r\u001b[2K']]);
    expect(table).toBe('NAME        OUTCOME\nevil\\nroot  ok\\r\\e[2K\n');
  });

  it('wraps an io once, and gives the raw one back to the writers that need it', () => {
    const written: string[] = [];
    const io: CliIo = { stdout: (t) => written.push(t), stderr: (t) => written.push(t), env: {}, cwd: '/' };
    const safe = printableIo(io);
    expect(printableIo(safe)).toBe(safe);
    expect(rawIo(safe)).toBe(io);
    expect(rawIo(io)).toBe(io);
    safe.stdout('a\u001b[31m\n');
    rawIo(safe).stdout('\r\u001b[2K');
    expect(written).toEqual(['a\\e[31m\n', '\r\u001b[2K']);
  });
});
