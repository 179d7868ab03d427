import type { z } from 'zod';

/**
 * Makes `schema.safeParse(data)` answer a later call for the same object with the first call's
 * result, without checking it again. A stack of one compose file is checked twice with the same
 * document: on its own when the file is loaded, and after the stack's files are merged (assemble
 * hands back the file's own document when merging changed nothing). The object must not change in
 * between (the loader never changes a document it checked), and the result is shared: a caller must
 * not modify its `data`, or not share it (the file's own check only looks at success and issues).
 * Objects are held weakly; calls with parse params, or for non-objects, are not remembered.
 */
export function rememberingResults<S extends z.ZodType>(schema: S): S {
  const results = new WeakMap<object, z.ZodSafeParseResult<z.output<S>>>();
  const check = schema.safeParse;
  schema.safeParse = (data, params) => {
    if (params !== undefined || data === null || typeof data !== 'object') return check(data, params);
    let result = results.get(data);
    if (result === undefined) {
      result = check(data);
      results.set(data, result);
    }
    return result;
  };
  return schema;
}
