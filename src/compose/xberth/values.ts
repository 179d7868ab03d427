import { z } from 'zod';
import { parseDuration } from '../schema/units.js';

/** A duration written as in compose (`90s`, `2m`, `1m30s`), parsed to milliseconds; `0` alone needs no unit. */
export const durationSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? (value === 0 ? 0 : undefined) : parseDuration(value);
  if (ms === undefined || ms < 0) {
    ctx.addIssue({
      code: 'custom',
      message: `invalid duration ${JSON.stringify(value)}`,
      params: { hint: 'write a duration with a unit, like 30s, 2m or 1m30s' },
    });
    return z.NEVER;
  }
  return ms;
});
