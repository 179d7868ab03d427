import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ACROSS_FIELDS, INSTEAD_OF_TRANSFORM, soundFields } from './values.js';

const messages = (result: { success: boolean; error?: z.ZodError }) =>
  result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('soundFields', () => {
  it('leaves out the fields with an issue at or under them, and keeps the others', () => {
    const issues = [
      { code: 'custom' as const, path: ['a'], message: 'x', input: 1 },
      { code: 'custom' as const, path: ['b', 'c'], message: 'x', input: 1 },
      { code: 'unrecognized_keys' as const, path: [], keys: ['z'], message: 'x', input: {} },
    ];
    expect(soundFields({ a: 1, b: { c: 2 }, d: 3 }, { issues })).toEqual({ d: 3 });
  });

  it('is the value itself when nothing failed', () => {
    const value = { a: 1 };
    expect(soundFields(value, { issues: [] })).toBe(value);
  });
});

describe('checks across fields', () => {
  const shape = z.strictObject({ from: z.number(), to: z.number(), name: z.string() });
  const order = (value: { from?: number; to?: number }, ctx: z.RefinementCtx) => {
    const { from, to } = soundFields(value, ctx);
    if (from !== undefined && to !== undefined && from > to)
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'before from' });
  };

  it('ACROSS_FIELDS: run beside a field that failed and an unknown key, on the sound fields', () => {
    const schema = shape.superRefine(order, ACROSS_FIELDS);
    expect(messages(schema.safeParse({ from: 2, to: 1, name: 5, extra: 1 }))).toEqual([
      'name: Invalid input: expected string, received number',
      ': Unrecognized key: "extra"',
      'to: before from',
    ]);
    // `from` failed: nothing is said about the order it cannot have.
    expect(messages(schema.safeParse({ from: 'x', to: 1, name: 'n' }))).toEqual([
      'from: Invalid input: expected number, received string',
    ]);
    expect(messages(schema.safeParse('nothing'))).toEqual([
      ': Invalid input: expected object, received string',
    ]);
  });

  it('INSTEAD_OF_TRANSFORM: run only when the transform does not, so each problem is said once', () => {
    const schema = shape.superRefine(order, INSTEAD_OF_TRANSFORM).transform((value, ctx) => {
      order(value, ctx);
      return value;
    });
    expect(messages(schema.safeParse({ from: 2, to: 1, name: 5 }))).toEqual([
      'name: Invalid input: expected string, received number',
      'to: before from',
    ]);
    expect(messages(schema.safeParse({ from: 2, to: 1, name: 'n', extra: 1 }))).toEqual([
      ': Unrecognized key: "extra"',
      'to: before from',
    ]);
    expect(messages(schema.safeParse({ from: 2, to: 1, name: 'n' }))).toEqual(['to: before from']);
  });
});
