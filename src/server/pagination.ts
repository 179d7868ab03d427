import { z } from 'zod';
import { ApiError } from './problem.js';

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

const CursorSchema = z.strictObject({ after: z.string() });

/** Opaque to clients; keyset ("after this key"), so a page stays correct when items are added or removed. */
export function encodeCursor(after: string): string {
  return Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = CursorSchema.safeParse(parsed);
  if (!result.success) {
    throw new ApiError(
      'INVALID_CURSOR',
      400,
      'the cursor is not one this server issued',
      'pass the nextCursor of the previous page unchanged, or omit cursor to start from the first page',
    );
  }
  return result.data.after;
}

/** One page of `items`, which must be sorted by `keyOf` ascending and have unique keys. */
export function paginate<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  request: { readonly limit: number; readonly cursor?: string | undefined },
): Page<T> {
  const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor);
  const start = after === undefined ? 0 : items.findIndex((item) => keyOf(item) > after);
  const rest = start < 0 ? [] : items.slice(start);
  const page = rest.slice(0, request.limit);
  const last = page[page.length - 1];
  return {
    items: page,
    nextCursor: rest.length > request.limit && last !== undefined ? encodeCursor(keyOf(last)) : null,
  };
}
