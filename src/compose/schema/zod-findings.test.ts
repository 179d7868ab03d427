import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SpecCode } from '../diagnostics.js';
import { zodFindings } from './zod-findings.js';

const codes = {
  unknownKey: SpecCode.XBerthUnknownKey,
  invalid: SpecCode.XBerthInvalid,
  missing: SpecCode.MissingKey,
};
const findingsOf = (schema: z.ZodType, input: unknown) => {
  const parsed = schema.safeParse(input);
  if (parsed.success) return [];
  return zodFindings(parsed.error, input, codes, ['x-berth'], schema).map((f) => [f.message, f.hint]);
};

describe('zodFindings', () => {
  const Duration = z.object({ health_timeout: z.union([z.string(), z.number()]) }).strict();

  it('says what a union of types takes when the value is none of them', () => {
    expect(findingsOf(Duration, { health_timeout: ['40s'] })).toEqual([
      ['x-berth.health_timeout must be a string or a number, got a list', 'write a string or a number here'],
    ]);
  });

  it('says what is wrong inside the one branch the value has the shape of', () => {
    const Either = z.object({ v: z.union([z.object({ a: z.string() }).strict(), z.number()]) });
    expect(findingsOf(Either, { v: { a: 1 } })).toEqual([
      ['x-berth.v.a must be a string, got number 1', 'write a string here'],
    ]);
  });

  // Exactly one of a file, an HTTP answer or a command (x-berth.install.until).
  const Until = z.object({
    until: z.union([
      z.strictObject({ file: z.string() }),
      z.strictObject({
        http: z.strictObject({ port: z.number(), status: z.union([z.number(), z.array(z.number())]) }),
      }),
      z.strictObject({ command: z.array(z.string()) }),
    ]),
  });

  it('follows the meant branch down to a union inside it', () => {
    expect(findingsOf(Until, { until: { http: { port: 80, status: 'x' } } })).toEqual([
      [
        'x-berth.until.http.status must be a number or a list, got string "x"',
        'write a number or a list here',
      ],
    ]);
  });

  it('names the keys the branches take when the mapping fits none of them', () => {
    const hint = 'write exactly one of `file`, `http`, `command` under until';
    expect(findingsOf(Until, { until: { bogus: 1 } })).toEqual([
      ['x-berth.until must be a mapping with one of `file`, `http`, `command`, got the key `bogus`', hint],
    ]);
    expect(findingsOf(Until, { until: { file: '/x', command: ['a'] } })).toEqual([
      [
        'x-berth.until must be a mapping with one of `file`, `http`, `command`, got the keys `file`, `command`',
        hint,
      ],
    ]);
    expect(findingsOf(Until, { until: {} })).toEqual([
      ['x-berth.until must be a mapping with one of `file`, `http`, `command`, got an empty mapping', hint],
    ]);
  });

  it('says what a value of the wrong type may be, not the keys', () => {
    expect(findingsOf(Until, { until: 'now' })).toEqual([
      ['x-berth.until must be a mapping, got string "now"', 'write a mapping here'],
    ]);
  });

  it('takes a branch whose type fits and whose own check failed as the one meant', () => {
    const Command = z.object({ command: z.union([z.array(z.string()).min(1), z.string().min(1)]) });
    const [finding] = findingsOf(Command, { command: '' });
    expect(finding?.[0]).toMatch(/^x-berth\.command: /);
    expect(finding?.[0]).not.toMatch(/Invalid input/);
  });

  it("keeps the union's own words when two branches fit the value's shape", () => {
    const Two = z.object({
      v: z.union([z.object({ a: z.string().min(3) }), z.object({ a: z.string().max(1) })]),
    });
    expect(findingsOf(Two, { v: { a: 'ab' } })).toEqual([
      ['x-berth.v: Invalid input', 'see the documentation of this key'],
    ]);
  });
});
