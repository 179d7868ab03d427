import { z } from 'zod';
import { type Ctx, closed, invalid, invalidKey, isRecord, show } from './common.js';
import { boolish, toBoolAt } from './scalars.js';

/** A string → string mapping without empty keys (upstream `"^.+$"` + `additionalProperties: false`). */
export const nonEmptyStringRecord = z.record(z.string(), z.string()).superRefine(
  (map: Record<string, string>, ctx) => {
    if (Object.hasOwn(map, '')) invalidKey(ctx, 'empty key', 'give the entry a name', '');
  },
  { when: (payload) => isRecord(payload.value) },
);

/*
 * `external` is converted on its own field (`"yes"` → true), so a bad one is reported whatever else
 * of its volume, network, secret or config is wrong.
 */

/** `external` on networks and volumes: a boolean, or the legacy `{name}` (closed). */
export const closedExternal = z.union([boolish, closed({ name: z.string().optional() })]);
/** `external` on secrets and configs: upstream leaves the legacy object open. */
export const openExternal = z.union([boolish, z.looseObject({ name: z.string().optional() })]);

interface WithExternal {
  readonly name?: string | undefined;
  readonly external?: boolean | string | { readonly name?: string | undefined } | undefined;
}

/**
 * `external: {name: x}` (legacy) → `external: true` plus `name: x`. A conflicting `name` is an
 * issue, as in compose.
 */
export function resolveExternal<T extends WithExternal>(
  value: T,
  ctx: Ctx,
): Omit<T, 'external'> & { external: boolean; name?: string } {
  const { external, ...rest } = value;
  if (external === undefined) return { ...rest, external: false };
  if (typeof external === 'boolean' || typeof external === 'string')
    return { ...rest, external: toBoolAt(external, ctx, ['external']) };
  const legacy = external.name;
  if (legacy === undefined) return { ...rest, external: true };
  if (rest.name !== undefined && rest.name !== legacy)
    invalid(
      ctx,
      `\`external.name\` ${show(legacy)} conflicts with \`name\` ${show(rest.name)}`,
      'remove `external.name` and keep `name:` with `external: true`',
      ['external', 'name'],
    );
  return { ...rest, name: legacy, external: true };
}
