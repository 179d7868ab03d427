import { z } from 'zod';
import { SpecCode } from '../diagnostics.js';
import { type Ctx, fail, invalid, type PathKey, show } from './common.js';
import { parseBoolean, parseBytes, parseDuration, parseInteger, parseNumber } from './units.js';

/*
 * Validation runs after interpolation, so a number or boolean may arrive as a string. Each field
 * accepts exactly the JSON types the upstream schema lists for it (the `raw*` unions) and, where the
 * normalized model needs a number or boolean, converts in a transform that reports bad text at the
 * field's own path.
 */

/** JSON Schema `integer`: any whole number (not only safe integers, unlike `z.int()`). */
export const integer = z.number().refine(Number.isInteger, {
  message: 'expected a whole number',
  params: { berth: SpecCode.InvalidType, hint: 'write a whole number, without a fraction' },
});

export const rawBoolOrString = z.union([z.boolean(), z.string()]);
export const rawNumberOrString = z.union([z.number(), z.string()]);
export const rawIntOrString = z.union([integer, z.string()]);
export const rawScalar = z.union([z.string(), z.number(), z.boolean()]);

const BOOL_HINT = 'write true or false';

/** Converts at `path` (relative to the value being transformed); used when normalizing raw items. */
export function toBoolAt(value: boolean | string, ctx: Ctx, path: readonly PathKey[] = []): boolean {
  if (typeof value === 'boolean') return value;
  return parseBoolean(value) ?? invalid(ctx, `invalid boolean ${show(value)}`, BOOL_HINT, path);
}

/** `["boolean", "string"]` → boolean. */
export const boolish = rawBoolOrString.transform((v, ctx) => toBoolAt(v, ctx));

export interface Bounds {
  readonly min?: number;
  readonly max?: number;
}

function checkBounds(n: number, bounds: Bounds, ctx: Ctx, path: readonly PathKey[] = []): number {
  if (bounds.min !== undefined && n < bounds.min)
    return invalid(
      ctx,
      `${n} is below the minimum ${bounds.min}`,
      `write a number of at least ${bounds.min}`,
      path,
    );
  if (bounds.max !== undefined && n > bounds.max)
    return invalid(
      ctx,
      `${n} is above the maximum ${bounds.max}`,
      `write a number of at most ${bounds.max}`,
      path,
    );
  return n;
}

export function toInt(
  value: number | string,
  ctx: Ctx,
  bounds: Bounds = {},
  path: readonly PathKey[] = [],
): number {
  const n = typeof value === 'number' ? value : parseInteger(value);
  if (n === undefined || !Number.isInteger(n))
    return invalid(ctx, `invalid whole number ${show(value)}`, 'write a whole number like 3', path);
  return checkBounds(n, bounds, ctx, path);
}

export function toNumber(value: number | string, ctx: Ctx, bounds: Bounds = {}): number {
  const n = typeof value === 'number' ? value : parseNumber(value);
  if (n === undefined) return invalid(ctx, `invalid number ${show(value)}`, 'write a number like 2 or 0.5');
  return checkBounds(n, bounds, ctx);
}

/** `["integer", "string"]` → integer. */
export function intish(bounds: Bounds = {}) {
  return rawIntOrString.transform((v, ctx) => toInt(v, ctx, bounds));
}

/** `["number", "string"]` → integer (the spec allows any number, but the engine needs a count). */
export function countish(bounds: Bounds = {}) {
  return rawNumberOrString.transform((v, ctx) => toInt(v, ctx, bounds));
}

/** `["number", "string"]` → number. */
export function numish(bounds: Bounds = {}) {
  return rawNumberOrString.transform((v, ctx) => toNumber(v, ctx, bounds));
}

export const DURATION_HINT = 'write a duration like 10s, 1m30s or 500ms';

export function toDuration(value: string, ctx: Ctx): number {
  const ms = parseDuration(value);
  if (ms === undefined) return invalid(ctx, `invalid duration ${show(value)}`, DURATION_HINT);
  if (ms < 0) return invalid(ctx, `negative duration ${show(value)}`, DURATION_HINT);
  return ms;
}

/** A Go duration string → milliseconds. */
export const duration = z.string().transform(toDuration);

export const BYTES_HINT = 'write a size like 512m, 1g or 1048576 (bytes)';

export function toBytes(value: number | string, ctx: Ctx): number {
  const bytes = parseBytes(value);
  if (bytes === undefined)
    return fail(ctx, SpecCode.InvalidValue, `invalid byte size ${show(value)}`, BYTES_HINT);
  return bytes;
}

/** `["number", "string"]` byte sizes → bytes. */
export const bytesish = rawNumberOrString.transform(toBytes);
/** `["integer", "string"]` byte sizes → bytes. */
export const bytesIntish = rawIntOrString.transform(toBytes);
/** `"string"` byte sizes (deploy resources) → bytes. */
export const bytesString = z.string().transform(toBytes);
