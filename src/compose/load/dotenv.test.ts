// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose interpolation syntax under test, not JS templates
import { describe, expect, it } from 'vitest';
import { parseDotenv } from './dotenv.js';
import type { Lookup } from './interpolate.js';

function envOf(record: Record<string, string>): Lookup {
  return (name) => (Object.hasOwn(record, name) ? record[name] : undefined);
}

const noEnv: Lookup = () => undefined;

/** Parses text expected to be clean and returns its variables. */
function vars(text: string, lookup: Lookup = noEnv): Record<string, string> {
  const result = parseDotenv(text, lookup);
  expect(result.issues).toEqual([]);
  return result.vars;
}

describe('parseDotenv: lines and keys', () => {
  it('ignores blank lines, whitespace-only lines and comments', () => {
    expect(vars('\n   \n\t\n# comment\n  # indented comment\nA=1\n\n')).toEqual({ A: '1' });
  });

  it('returns nothing for empty input', () => {
    expect(parseDotenv('', noEnv)).toEqual({ vars: {}, issues: [], interpolationIssues: [] });
  });

  it('trims whitespace around the key and around "="', () => {
    expect(vars('  A = 1\n\tB\t=\t2\nC= 3\nD =4')).toEqual({ A: '1', B: '2', C: '3', D: '4' });
  });

  it('strips an "export " prefix but keeps keys that only start with "export"', () => {
    expect(vars('export A=1\nexport\tB=2\n  export C=3\nexportD=4\nexport_E=5\nexport.F=6')).toEqual({
      A: '1',
      B: '2',
      C: '3',
      exportD: '4',
      export_E: '5',
      'export.F': '6',
    });
  });

  it('accepts dots, dashes and non-ASCII letters in keys, like compose-go', () => {
    expect(vars('VAR.WITH.DOTS=a\nVAR-WITH-DASHES=b\nÉTÉ=c\n_X1=d')).toEqual({
      'VAR.WITH.DOTS': 'a',
      'VAR-WITH-DASHES': 'b',
      ÉTÉ: 'c',
      _X1: 'd',
    });
  });

  it('accepts YAML-style "KEY: value" and keeps colons after "="', () => {
    expect(vars('A: 1\nB: foo=bar\nC=1:B')).toEqual({ A: '1', B: 'foo=bar', C: '1:B' });
  });

  it('keeps every "=" after the first in the value', () => {
    expect(vars('URL=postgres://h:5432/db?sslmode=disable\nX=a=b=')).toEqual({
      URL: 'postgres://h:5432/db?sslmode=disable',
      X: 'a=b=',
    });
  });

  it('lets a later definition win', () => {
    expect(vars('A=1\nA=2')).toEqual({ A: '2' });
  });

  it('keeps "__proto__" as an ordinary key', () => {
    const result = vars('__proto__=x');
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(result, '__proto__')?.value).toBe('x');
  });
});

describe('parseDotenv: bare keys', () => {
  it('takes a bare KEY from lookup when defined, including an empty value', () => {
    expect(vars('FROM_ENV\nEMPTY_ENV\n', envOf({ FROM_ENV: 'v', EMPTY_ENV: '' }))).toEqual({
      FROM_ENV: 'v',
      EMPTY_ENV: '',
    });
  });

  it('skips a bare KEY that lookup does not define, even when the file defined it', () => {
    expect(vars('MISSING\n  LAST  ')).toEqual({});
    expect(vars('A=1\nA')).toEqual({ A: '1' });
  });

  it('treats a lone "export" as a bare key', () => {
    expect(vars('export', envOf({ export: 'e' }))).toEqual({ export: 'e' });
  });
});

describe('parseDotenv: unquoted values', () => {
  it('trims trailing whitespace', () => {
    expect(vars('A=b  \t\nB=  spaced  out  ')).toEqual({ A: 'b', B: 'spaced  out' });
  });

  it('starts an inline comment at " #" only', () => {
    expect(vars('A=b #c\nB=b#c\nC=b # c # d\nD=123#not-a-comment\nE=b\t#c\nF=b #')).toEqual({
      A: 'b',
      B: 'b#c',
      C: 'b',
      D: '123#not-a-comment',
      E: 'b\t#c',
      F: 'b',
    });
  });

  // compose-go skips the blanks after "=" before looking for " #".
  it('keeps a "#" that directly follows the blanks after "="', () => {
    expect(vars('A= #c\nB=')).toEqual({ A: '#c', B: '' });
  });

  it('keeps quotes that do not open the value, and backslashes, literally', () => {
    expect(vars(`A=it's "x"\nB=a\\tb`)).toEqual({ A: `it's "x"`, B: 'a\\tb' });
  });

  it('interpolates, with $$ as a literal dollar', () => {
    expect(vars('A=${X:-def}/$Y\nB=$$HOME', envOf({ Y: 'y' }))).toEqual({ A: 'def/y', B: '$HOME' });
  });
});

describe('parseDotenv: single-quoted values', () => {
  it('are literal: no escapes, no interpolation', () => {
    expect(vars(`A='$X \${Y} \\n \\t $$'`, envOf({ X: 'x' }))).toEqual({ A: '$X ${Y} \\n \\t $$' });
  });

  it('keep "#" and allow a comment after the closing quote', () => {
    expect(vars(`A='b#c' # note\nB='b#c'#note\nC=''`)).toEqual({ A: 'b#c', B: 'b#c', C: '' });
  });

  it("treat \\' as a quote, like compose-go", () => {
    expect(vars(`A='it\\'s'`)).toEqual({ A: "it's" });
  });

  it('may span lines', () => {
    expect(vars(`A='one\n  two $X\nthree'\nB=2`)).toEqual({ A: 'one\n  two $X\nthree', B: '2' });
  });
});

describe('parseDotenv: double-quoted values', () => {
  it('decode \\n \\t \\r \\\\ \\" \\$ and the other XSI escapes', () => {
    expect(vars(String.raw`A="1\n2\t3\r4\\5\"6\$X"`)).toEqual({ A: '1\n2\t3\r4\\5"6$X' });
    expect(vars(String.raw`A="Z\aZ\bZ\fZ\vZ\0123Z"`)).toEqual({ A: 'Z\u0007Z\bZ\fZ\vZSZ' });
  });

  it('leave unknown escapes and malformed octal escapes as written', () => {
    expect(vars(String.raw`A="\x07 \u12e4 \q \012 \0400 \08"`)).toEqual({
      A: String.raw`\x07 \u12e4 \q \012 \0400 \08`,
    });
  });

  it('interpolate after decoding escapes', () => {
    expect(vars('A="pre ${X} \\${X} $$X"', envOf({ X: 'x' }))).toEqual({ A: 'pre x ${X} $X' });
  });

  it('keep "#", quotes of the other kind, and allow a trailing comment', () => {
    expect(vars(`A="b#c" # comment\nB="'d'"\nC="x"#c\nD=""`)).toEqual({
      A: 'b#c',
      B: "'d'",
      C: 'x',
      D: '',
    });
  });

  it('may span lines, and the next statement starts after the closing quote line', () => {
    const result = parseDotenv('A="first\nsecond ${X}\n  third"\nB=after', envOf({ X: 'x' }));
    expect(result.vars).toEqual({ A: 'first\nsecond x\n  third', B: 'after' });
    expect(result.issues).toEqual([]);
  });
});

describe('parseDotenv: interpolation sources', () => {
  it('sees variables defined on earlier lines, not later ones', () => {
    const result = parseDotenv('A=1\nB=${A}2\nC=$D\nD=4', noEnv);
    expect(result.vars).toEqual({ A: '1', B: '12', C: '', D: '4' });
  });

  // Mirrors compose-go TestSubstitutionsWithEnvFilePrecedence.
  it('prefers lookup over earlier lines inside values, yet never overrides a KEY=value line', () => {
    const result = parseDotenv('A=1\nB=${A}\nC="$A-$A"', envOf({ A: '5' }));
    expect(result.vars).toEqual({ A: '1', B: '5', C: '5-5' });
  });

  it('uses a set-but-empty lookup value rather than the file', () => {
    expect(parseDotenv('A=1\nB=${A-file}', envOf({ A: '' })).vars).toEqual({ A: '1', B: '' });
  });

  it('does not re-interpolate values taken from lookup or from the file', () => {
    const result = parseDotenv("A='$$x${Y}'\nB=$A\nC=$E", envOf({ E: '$HOME${Z}' }));
    expect(result.vars).toEqual({ A: '$$x${Y}', B: '$$x${Y}', C: '$HOME${Z}' });
    expect(result.interpolationIssues).toEqual([]);
  });

  it('reports interpolation issues at the start of the value', () => {
    const text = 'A=$MISSING\n  B = "x\n${NEED:?set it}"\nC=${1bad}';
    const result = parseDotenv(text, noEnv);
    expect(result.issues).toEqual([]);
    expect(result.vars).toEqual({ A: '', B: 'x\n', C: '${1bad}' });
    expect(
      result.interpolationIssues.map(({ kind, variable, line, column }) => [kind, variable, line, column]),
    ).toEqual([
      ['unset', 'MISSING', 1, 3],
      ['required', 'NEED', 2, 7],
      // The key, not the fragment: a syntax error never quotes a value.
      ['syntax', 'C', 4, 3],
    ]);
    expect(result.interpolationIssues[1]?.message).toBe('required variable NEED is missing a value: set it');
  });
});

describe('parseDotenv: issues', () => {
  it.each<[string, string, number, number, string]>([
    ['digit first', '1A=b', 1, 1, 'must not start with a digit'],
    ['space in key', 'A B=c', 1, 2, 'cannot contain whitespace'],
    ['tab in key', '  A\tB=c', 1, 4, 'cannot contain whitespace'],
    ['bad character', 'A$B=c', 1, 2, 'unexpected character "$" in variable name "A$B"'],
    ['bare key with a bad character', 'lol$wut', 1, 4, 'unexpected character "$"'],
    ['empty key', '  ="value"', 1, 3, 'missing variable name before "="'],
    ['unterminated double quote', 'A="value', 1, 3, 'unterminated quoted value for A: no closing "'],
    ['unterminated single quote', "OK=1\nA = 'value\\'", 2, 5, 'unterminated quoted value for A'],
    [
      'text after closing quote',
      'A="b" c=d',
      1,
      7,
      'unexpected text after the closing quote of A (3 characters',
    ],
  ])('%s', (_name, text, line, column, message) => {
    const { issues } = parseDotenv(text, noEnv);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line, column });
    expect(issues[0]?.message).toContain(message);
  });

  it('never quotes a value back: a .env holds passwords, and issues reach answers and logs', () => {
    const secret = 'Sup3r-s3cret-xyz';
    const texts = [
      `PASS="${secret}`,
      `PASS='${secret}`,
      `PASS="ok" ${secret}`,
      `PASS="${secret}\${open"`,
      `PASS="Xy7\${${secret}"`,
    ];
    for (const text of texts) {
      const result = parseDotenv(text, noEnv);
      const shown = [...result.issues, ...result.interpolationIssues];
      expect(shown.length, text).toBeGreaterThan(0);
      expect(JSON.stringify(shown), text).not.toContain('s3cret');
      expect(JSON.stringify(shown), text).toContain('PASS');
    }
  });

  it('keeps parsing on the next line after a bad line', () => {
    const result = parseDotenv('A=1\n1B=2\nC D=3\nE="open\nF=6\n', noEnv);
    expect(result.vars).toEqual({ A: '1', F: '6' });
    expect(result.issues.map(({ line, column }) => [line, column])).toEqual([
      [2, 1],
      [3, 2],
      [4, 3],
    ]);
  });

  it('keeps the value when only the text after the closing quote is wrong', () => {
    const result = parseDotenv(`A='b' junk\nB=2`, noEnv);
    expect(result.vars).toEqual({ A: 'b', B: '2' });
    expect(result.issues).toHaveLength(1);
  });

  it('reports positions after a multi-line value on the right line', () => {
    const result = parseDotenv('A="x\ny\nz"\n  bad key=1', noEnv);
    expect(result.issues).toEqual([
      { line: 4, column: 6, message: 'variable name "bad key" cannot contain whitespace' },
    ]);
  });
});

describe('parseDotenv: encodings', () => {
  it('handles CRLF line endings, also inside quoted values', () => {
    const result = parseDotenv('A=1\r\nB="x\r\ny"\r\n# c\r\nC=3 #c\r\n', noEnv);
    expect(result).toEqual({ vars: { A: '1', B: 'x\ny', C: '3' }, issues: [], interpolationIssues: [] });
  });

  it('ignores a UTF-8 BOM and counts columns from the first real character', () => {
    const result = parseDotenv('\uFEFFA=1\n\uFEFF1B=2', noEnv);
    expect(result.vars).toEqual({ A: '1' });
    expect(result.issues).toMatchObject([{ line: 2, column: 1 }]);
  });
});
