import { z } from 'zod';
import { type Ctx, invalid, invalidKey, isRecord, show, uniqueArray } from './common.js';

/** Values a `list_or_dict` mapping may hold. */
const dictValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * `list_or_dict` as written: a mapping (non-empty keys; string/number/boolean/null values) or a
 * list of unique `KEY=VALUE` strings.
 */
export const rawListOrDict = z.union([
  z.record(z.string(), dictValue).superRefine(
    (map: Record<string, unknown>, ctx) => {
      if (Object.hasOwn(map, '')) invalidKey(ctx, 'empty key', 'give the entry a name', '');
    },
    { when: (payload) => isRecord(payload.value) },
  ),
  uniqueArray(z.string()),
]);

type RawListOrDict = z.output<typeof rawListOrDict>;

/** Numbers and booleans become the text a container sees ("true", "5"). */
function scalarText(value: string | number | boolean): string {
  return typeof value === 'string' ? value : String(value);
}

/**
 * List `KEY=VALUE` → mapping; `KEY` alone → null ("take it from the environment"), so environment and
 * build args can tell "inherit" from "empty". Later duplicates win, as in compose.
 */
export function toNullableMap(raw: RawListOrDict): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  if (Array.isArray(raw)) {
    for (const item of raw) {
      const eq = item.indexOf('=');
      if (eq === -1) out[item] = null;
      else out[item.slice(0, eq)] = item.slice(eq + 1);
    }
    return out;
  }
  for (const [key, value] of Object.entries(raw)) out[key] = value === null ? null : scalarText(value);
  return out;
}

/** Like toNullableMap, but "no value" is the empty string: labels, annotations, sysctls. */
export function toStringMap(raw: RawListOrDict): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(toNullableMap(raw))) out[key] = value ?? '';
  return out;
}

/** `environment`, `build.args`: values are strings, or null to inherit from the caller's environment. */
export const envMap = rawListOrDict.transform(toNullableMap);
/** `labels`, `annotations`, `sysctls`, ...: always strings. */
export const labelMap = rawListOrDict.transform(toStringMap);

/** `driver_opts`: `^.+$` keys with string or number values → strings. */
export const driverOpts = z
  .record(z.string(), z.union([z.string(), z.number()]))
  .transform((map): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(map)) out[key] = scalarText(value);
    return out;
  });

/** A `host=value` or `host:value` pair; used by `extra_hosts`. */
export function splitPair(
  text: string,
  ctx: Ctx,
  hint: string,
  path: readonly (string | number)[],
): { key: string; value: string } {
  const eq = text.indexOf('=');
  const sep = eq !== -1 ? eq : text.indexOf(':');
  const key = sep === -1 ? '' : text.slice(0, sep);
  const value = sep === -1 ? '' : text.slice(sep + 1);
  if (key === '' || value === '') invalid(ctx, `invalid entry ${show(text)}`, hint, path);
  return { key, value };
}
