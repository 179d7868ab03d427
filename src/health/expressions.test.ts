import { describe, expect, it } from 'vitest';
import { type Condition, type Measured, numeric, parseCondition, placeholdersOf } from './expressions.js';
import { evaluate } from './expressions-eval.js';

const parse = (text: string): Condition => {
  const r = parseCondition(text);
  if (!r.ok) throw new Error(`${r.message} at ${r.column}`);
  return r.condition;
};
const check = (text: string, m: Measured) => evaluate(parse(text), m);

describe('numbers and durations', () => {
  it('reads numbers and durations in milliseconds', () => {
    expect(numeric('200')).toBe(200);
    expect(numeric('-1.5')).toBe(-1.5);
    expect(numeric('300ms')).toBe(300);
    expect(numeric('2s')).toBe(2000);
    expect(numeric('5m')).toBe(300_000);
    expect(numeric('48h')).toBe(172_800_000);
    expect(numeric('14d')).toBe(1_209_600_000);
    expect(numeric('1h30m')).toBe(5_400_000);
    expect(numeric('')).toBeUndefined();
    expect(numeric('UP')).toBeUndefined();
    expect(numeric('14 d')).toBeUndefined();
  });
});

describe('parseCondition', () => {
  it('parses every operator, placeholders with body paths, len, any and pat', () => {
    expect(parse('[STATUS] == 200')).toMatchObject({
      left: { kind: 'placeholder', name: 'STATUS', path: [] },
      op: '==',
      right: { kind: 'literal', text: '200' },
    });
    for (const op of ['==', '!=', '<', '<=', '>', '>='])
      expect(parse(`[RESPONSE_TIME] ${op} 300`).op).toBe(op);
    expect(parse('[BODY].data[0].status == UP').left).toEqual({
      kind: 'placeholder',
      name: 'BODY',
      path: ['data', 0, 'status'],
    });
    expect(parse('len([BODY].items) > 0').left).toMatchObject({
      kind: 'len',
      of: { name: 'BODY', path: ['items'] },
    });
    expect(parse('[STATUS] == any(200, 204)').right).toEqual({ kind: 'any', values: ['200', '204'] });
    expect(parse('[BODY] == pat(*healthy*)').right).toEqual({ kind: 'pat', pattern: '*healthy*' });
    expect(parse('  [STATUS]==200 ').source).toBe('[STATUS]==200');
  });

  it('says what is wrong and where (1-based column), with a hint', () => {
    const cases: Array<[string, RegExp, number, RegExp]> = [
      ['[STATUS] 200', /compares two sides/, 1, /\[STATUS\] == 200/],
      ['[STATSU] == 200', /unknown placeholder \[STATSU\]/, 1, /did you mean \[STATUS\]/],
      ['200 == [STATUS]', /left side "200" is not a placeholder/, 1, /measured value on the left/],
      ['[STATUS] ==  ', /side of the condition is empty/, 12, /e\.g\./],
      ['[STATUS].code == 1', /\[STATUS\] has no fields/, 1, /only \[BODY\]/],
      ['[RESPONSE_TIME] < fast', /< needs a number or a duration, not "fast"/, 19, /14d/],
      ['[STATUS] < any(1, 2)', /any\(\) compares with == or !=/, 10, /any/],
      ['[STATUS] == any(1,,2)', /any\(\) lists values/, 13, /any\(200, 204\)/],
      ['foo([STATUS]) == 1', /unknown function/, 1, /len\(\)/],
    ];
    for (const [text, message, column, hint] of cases) {
      const r = parseCondition(text);
      expect(r.ok, text).toBe(false);
      if (r.ok) continue;
      expect(r.message, text).toMatch(message);
      expect(r.column, text).toBe(column);
      expect(r.hint, text).toMatch(hint);
    }
  });

  it('lists the placeholders a condition reads', () => {
    expect(placeholdersOf(parse('len([BODY].x) > [STATUS]'))).toEqual(['BODY', 'STATUS']);
    expect(placeholdersOf(parse('[IP] == 127.0.0.1'))).toEqual(['IP']);
  });
});

describe('evaluate', () => {
  it('compares numbers as numbers and says what was measured', () => {
    expect(check('[STATUS] == 200', { status: 200 })).toEqual({ ok: true, detail: '[STATUS] (200) == 200' });
    expect(check('[STATUS] == 200', { status: 503 })).toEqual({ ok: false, detail: '[STATUS] (503) == 200' });
    expect(check('[STATUS] != 200', { status: 503 }).ok).toBe(true);
    expect(check('[RESPONSE_TIME] < 300', { responseTimeMs: 120 }).ok).toBe(true);
    expect(check('[RESPONSE_TIME] < 300', { responseTimeMs: 300 }).ok).toBe(false);
    expect(check('[RESPONSE_TIME] <= 300', { responseTimeMs: 300 }).ok).toBe(true);
    expect(check('[RESPONSE_TIME] < 1s', { responseTimeMs: 999 }).ok).toBe(true);
    expect(check('[DISK_USED_PERCENT] >= 85', { diskUsedPercent: 84.9 }).ok).toBe(false);
    expect(check('[STATUS] == 200.0', { status: 200 }).ok).toBe(true);
  });

  it('reads certificate expiry against durations', () => {
    const day = 86_400_000;
    expect(check('[CERTIFICATE_EXPIRATION] > 14d', { certificateExpirationMs: 30 * day }).ok).toBe(true);
    expect(check('[CERTIFICATE_EXPIRATION] > 14d', { certificateExpirationMs: 3 * day })).toEqual({
      ok: false,
      detail: '[CERTIFICATE_EXPIRATION] (259200000) > 14d',
    });
  });

  it('walks JSON bodies, and fails (never throws) on a body that is not JSON or a missing field', () => {
    const body = JSON.stringify({ status: 'UP', data: [{ n: 3 }], items: [1, 2], ok: true });
    expect(check('[BODY].status == UP', { body }).ok).toBe(true);
    expect(check('[BODY].data[0].n > 2', { body }).ok).toBe(true);
    expect(check('[BODY].ok == true', { body }).ok).toBe(true);
    expect(check('len([BODY].items) == 2', { body }).ok).toBe(true);
    expect(check('len([BODY]) > 10', { body }).ok).toBe(true);
    expect(check('len([BODY].data[0]) == 1', { body }).ok).toBe(true);
    expect(check('[BODY].missing == UP', { body })).toEqual({
      ok: false,
      detail: '[BODY].missing (nothing) == UP',
    });
    expect(check('[BODY].status == UP', { body: '<html>' }).ok).toBe(false);
    expect(check('[BODY].status != UP', { body: '<html>' }).ok).toBe(false);
  });

  it('matches any() and pat() over the whole value', () => {
    expect(check('[STATUS] == any(200, 204)', { status: 204 }).ok).toBe(true);
    expect(check('[STATUS] == any(200, 204)', { status: 500 }).ok).toBe(false);
    expect(check('[STATUS] != any(500, 502)', { status: 200 }).ok).toBe(true);
    expect(check('[BODY] == pat(*healthy*)', { body: 'all healthy now' }).ok).toBe(true);
    expect(check('[BODY] == pat(healthy)', { body: 'all healthy now' }).ok).toBe(false);
    expect(check('[BODY] == pat(a.c)', { body: 'abc' }).ok).toBe(false);
    expect(check('[BODY] != pat(*error*)', { body: 'fine' }).ok).toBe(true);
    expect(check('[DNS_RCODE] == NOERROR', { dnsRcode: 'NOERROR' }).ok).toBe(true);
    expect(check('[CONNECTED] == true', { connected: true }).ok).toBe(true);
  });

  it('fails what the probe did not measure, whatever the operator', () => {
    for (const op of ['==', '!=', '<', '>']) expect(check(`[STATUS] ${op} 200`, {}).ok, op).toBe(false);
    expect(check('[STATUS] == 200', {}).detail).toBe('[STATUS] (nothing) == 200');
  });

  it('cuts long measured values in the detail', () => {
    const detail = check('[BODY] == x', { body: 'y'.repeat(500) }).detail;
    expect(detail).toBe(`[BODY] (${'y'.repeat(59)}…) == x`);
  });
});
