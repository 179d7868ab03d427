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

  it("keeps a union's own words when a branch got further than the type", () => {
    const Either = z.object({ v: z.union([z.object({ a: z.string() }).strict(), z.number()]) });
    const [finding] = findingsOf(Either, { v: { a: 1 } });
    expect(finding?.[0]).toMatch(/^x-berth\.v: /);
    expect(finding?.[0]).not.toMatch(/must be a mapping or a number/);
  });
});
