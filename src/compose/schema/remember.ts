import type { z } from 'zod';

/**
 * `schema.safeParse` that answers a later call for the same object with the first call's result,
 * without checking it again. A stack of one compose file is checked twice with the same document:
 * on its own when the file is loaded, and after the stack's files are merged (assemble hands back
 * the file's own document when merging changed nothing). The object must not change in between (the
 * loader never changes a document it checked), and the result is shared: a caller must not modify
 * its `data`, or not share it (the file's own check only looks at success and issues). Objects are
 * held weakly; non-objects are checked each time. The schema itself is left as it is.
 */
export function rememberingCheck<S extends z.ZodType>(
  schema: S,
): (data: unknown) => z.ZodSafeParseResult<z.output<S>> {
  const results = new WeakMap<object, z.ZodSafeParseResult<z.output<S>>>();
  return (data) => {
    if (data === null || typeof data !== 'object') return schema.safeParse(data);
    let result = results.get(data);
    if (result === undefined) {
      result = schema.safeParse(data);
      results.set(data, result);
    }
    return result;
  };
}
