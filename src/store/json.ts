import { z } from 'zod';
import { corrupt, StoreError } from './errors.js';

export const JsonSchema = z.json();
export type JsonValue = z.infer<typeof JsonSchema>;

/**
 * Serialises a caller's value the way it will read back: undefined properties vanish and Dates become
 * strings (JSON.stringify semantics), so what `get` returns equals what was stored.
 */
export function toJsonText(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    throw new StoreError('STORE_INVALID_INPUT', `${what} cannot be stored as JSON`, 'pass plain data', {
      cause: error,
    });
  }
  if (text === undefined) {
    throw new StoreError(
      'STORE_INVALID_INPUT',
      `${what} is not a JSON value`,
      'pass plain data, not undefined',
    );
  }
  return text;
}

/** Reads a JSON column and checks it against `schema`, so a damaged row fails loudly here, not later. */
export function fromJsonText<S extends z.ZodType>(text: string, schema: S, what: string): z.output<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw corrupt(what, error instanceof Error ? error.message : String(error));
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw corrupt(what, z.prettifyError(result.error));
  return result.data;
}

/** Validates a row returned by SQLite against the shape the code expects. */
export function parseRow<S extends z.ZodType>(row: unknown, schema: S, what: string): z.output<S> {
  const result = schema.safeParse(row);
  if (!result.success) throw corrupt(what, z.prettifyError(result.error));
  return result.data;
}

/** Validates caller input at the store boundary. */
export function parseInput<S extends z.ZodType>(value: unknown, schema: S, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new StoreError(
      'STORE_INVALID_INPUT',
      `invalid ${what}: ${z.prettifyError(result.error)}`,
      'this is a bug in the caller',
    );
  }
  return result.data;
}
