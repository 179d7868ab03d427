import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rememberingCheck } from './remember.js';

describe('rememberingCheck', () => {
  it('checks an object once and answers a second check of it from the first', () => {
    let checks = 0;
    const schema = z.object({ a: z.number() }).transform((v) => {
      checks++;
      return { ...v, seen: checks };
    });
    const check = rememberingCheck(schema);
    const doc = { a: 1 };
    const first = check(doc);
    expect(first).toEqual({ success: true, data: { a: 1, seen: 1 } });
    expect(check(doc)).toBe(first);
    // An equal but other object is checked again; a failure is remembered like a success.
    expect(check({ a: 1 }).data).toEqual({ a: 1, seen: 2 });
    const bad = { a: 'x' };
    expect(check(bad).success).toBe(false);
    expect(check(bad)).toBe(check(bad));
    expect(check(5).success).toBe(false);
    // The schema itself is untouched: it checks the same object again.
    expect(schema.safeParse(doc).data).toEqual({ a: 1, seen: 3 });
  });
});
