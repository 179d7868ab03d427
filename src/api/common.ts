import { z } from 'zod';
import { PROJECT_NAME_PATTERN } from '../compose/names.js';

/** A stack as the API names it: the compose project name. */
export const StackNameSchema = z
  .string()
  .max(128)
  .regex(PROJECT_NAME_PATTERN, 'not a stack name (lowercase letters, digits, - and _)');

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** Query members of every cursor-paginated list: `?limit=&cursor=`. */
export const paginationQuery = {
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_SIZE)
    .default(DEFAULT_PAGE_SIZE)
    .describe(`Items per page, 1 to ${MAX_PAGE_SIZE}`),
  cursor: z.string().min(1).max(512).optional().describe('The nextCursor of the previous page'),
};

/** `{ items, nextCursor }`; nextCursor is null on the last page. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

/** `{ items, nextBefore? }`: keyset pages of an append-only list, newest first. */
export function beforePageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextBefore: z.number().int().optional() });
}
