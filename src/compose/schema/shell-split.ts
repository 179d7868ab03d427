/**
 * Splits a command string into words the way a POSIX shell would, without any expansion: compose
 * does the same (go-shellwords) for the string form of `command`, `entrypoint` and hooks, so
 * `echo "a b"` is `['echo', 'a b']` and `$HOME` stays literal.
 */

export class ShellSplitError extends Error {
  override readonly name = 'ShellSplitError';
}

const BLANK = new Set([' ', '\t', '\n', '\r']);
/** Inside double quotes a backslash only escapes these (POSIX 2.2.3). */
const DQ_ESCAPABLE = new Set(['$', '`', '"', '\\', '\n']);

/** Throws a ShellSplitError on an unterminated quote or a trailing backslash. */
export function shellSplit(input: string): string[] {
  const words: string[] = [];
  let word = '';
  // A word exists once any character or quote pair was seen, so `''` yields an empty word.
  let inWord = false;
  let i = 0;
  while (i < input.length) {
    const ch = input.charAt(i);
    if (BLANK.has(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i += 1;
    } else if (ch === '\\') {
      if (i + 1 >= input.length) throw new ShellSplitError('the command ends with a lone backslash');
      const next = input.charAt(i + 1);
      // Backslash-newline is a line continuation: both characters vanish.
      if (next !== '\n') {
        word += next;
        inWord = true;
      }
      i += 2;
    } else if (ch === "'") {
      const end = input.indexOf("'", i + 1);
      if (end === -1) throw new ShellSplitError('unterminated single quote');
      word += input.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i = readDoubleQuoted(input, i + 1, (text) => {
        word += text;
      });
      inWord = true;
    } else {
      word += ch;
      inWord = true;
      i += 1;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Reads up to the closing quote, returns the index after it. */
function readDoubleQuoted(input: string, start: number, emit: (text: string) => void): number {
  let text = '';
  let i = start;
  while (i < input.length) {
    const ch = input.charAt(i);
    if (ch === '"') {
      emit(text);
      return i + 1;
    }
    if (ch === '\\' && i + 1 < input.length && DQ_ESCAPABLE.has(input.charAt(i + 1))) {
      const next = input.charAt(i + 1);
      if (next !== '\n') text += next;
      i += 2;
    } else {
      text += ch;
      i += 1;
    }
  }
  throw new ShellSplitError('unterminated double quote');
}
