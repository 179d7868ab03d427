import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rememberingResults } from './remember.js';

describe('rememberingResults', () => {
  it('checks an object once and answers a second check of it from the first', () => {
    let checks = 0;
    const schema = rememberingResults(
      z.object({ a: z.number() }).transform((v) => {
        checks++;
        return { ...v, seen: checks };
      }),
    );
    const doc = { a: 1 };
    const first = schema.safeParse(doc);
    expect(first).toEqual({ success: true, data: { a: 1, seen: 1 } });
    expect(schema.safeParse(doc)).toBe(first);
    // An equal but other object, a failure, and a call with params are checked each time.
    expect(schema.safeParse({ a: 1 }).data).toEqual({ a: 1, seen: 2 });
    const bad = { a: 'x' };
    expect(schema.safeParse(bad).success).toBe(false);
    expect(schema.safeParse(bad)).toBe(schema.safeParse(bad));
    expect(schema.safeParse(doc, { reportInput: true }).data).toEqual({ a: 1, seen: 3 });
    expect(schema.safeParse(5).success).toBe(false);
  });
});
