import { describe, expect, it } from 'vitest';
import { jsonErrorOffset, jsonErrorPlace } from './json-position.js';

const VALID = [
  '{}',
  '[]',
  ' {"auths": {"ghcr.io": {"auth": "YTpi"}}, "credsStore": "desktop"} \n',
  '{"a": [1, -2.5e+3, 0, true, false, null, "x\\n\\u00e9\\"", {}]}',
  '"text"',
  '0',
  '-0.5E-2',
  '{"nested": {"deeper": [[[]]]}}',
];

const INVALID: readonly (readonly [string, number])[] = [
  ['{"auths": x}', 10],
  ['{"auths": {}', 12],
  ['{"auths": {},}', 13],
  ['{auths: {}}', 1],
  ["{'auths': {}}", 1],
  ['{"a" 1}', 5],
  ['{"a": 1 "b": 2}', 8],
  ['[1, 2,]', 6],
  ['[01]', 2],
  ['{"a": "unterminated}', 20],
  ['{"a": "tab\there"}', 10],
  ['{"a": "\\x"}', 8],
  ['{"a": "\\u12g4"}', 8],
  ['{"a": tru}', 6],
  ['{} {}', 3],
  ['{"a": 1}\n// comment', 9],
  ['', 0],
  ['{', 1],
];

describe('jsonErrorOffset', () => {
  it.each(VALID)('finds nothing wrong in %j (JSON.parse agrees)', (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(jsonErrorOffset(text)).toBeUndefined();
  });

  it.each(INVALID)('finds %j wrong at %i (JSON.parse agrees it is wrong)', (text, offset) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorOffset(text)).toBe(offset);
  });
});

describe('jsonErrorPlace', () => {
  it('names the line and column, 1-based', () => {
    expect(jsonErrorPlace('{\n  "auths": {\n    "x": oops\n  }\n}')).toBe(' (line 3, column 10)');
    expect(jsonErrorPlace('{"a": x}')).toBe(' (line 1, column 7)');
  });

  it('says nothing for valid JSON', () => {
    expect(jsonErrorPlace('{"a": 1}')).toBe('');
  });
});
