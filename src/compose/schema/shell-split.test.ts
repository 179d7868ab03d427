import { describe, expect, it } from 'vitest';
import { ShellSplitError, shellSplit } from './shell-split.js';

describe('shellSplit', () => {
  it.each([
    ['echo hello', ['echo', 'hello']],
    ['  spaced   out\targs\n', ['spaced', 'out', 'args']],
    ['echo "a b" c', ['echo', 'a b', 'c']],
    ['echo \'a "b" c\'', ['echo', 'a "b" c']],
    ['echo "say \\"hi\\""', ['echo', 'say "hi"']],
    ['echo "back\\\\slash" "keep\\n"', ['echo', 'back\\slash', 'keep\\n']],
    ['a\\ b c', ['a b', 'c']],
    ['x""y', ['xy']],
    ['empty \'\' ""', ['empty', '', '']],
    ["sh -c 'echo $HOME && ls'", ['sh', '-c', 'echo $HOME && ls']],
    // No expansion: `$` stays literal (built with concatenation so the linter does not read a template).
    [`echo $HOME $${'{'}X:-y}`, ['echo', '$HOME', '$' + '{X:-y}']],
    ['line \\\ncontinued', ['line', 'continued']],
    ['', []],
    ['   ', []],
  ])('%j', (input, words) => {
    expect(shellSplit(input)).toEqual(words);
  });

  it.each(['echo "open', "echo 'open", 'trailing \\'])('throws on %j', (input) => {
    expect(() => shellSplit(input)).toThrow(ShellSplitError);
  });
});
