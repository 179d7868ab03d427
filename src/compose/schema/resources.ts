import { z } from 'zod';
import { type Ctx, closed, extensible, invalid, invalidKey, isRecord, show } from './common.js';
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

/** A legacy `external.name` that differs from `name`: an issue, as in compose. */
function externalConflict(value: WithExternal, ctx: Ctx): void {
  const { external, name } = value;
  if (external === null || typeof external !== 'object') return;
  const legacy = external.name;
  if (legacy !== undefined && name !== undefined && name !== legacy)
    invalid(
      ctx,
      `\`external.name\` ${show(legacy)} conflicts with \`name\` ${show(name)}`,
      'remove `external.name` and keep `name:` with `external: true`',
      ['external', 'name'],
    );
}

/**
 * A volume, network, secret or config: `extensible`, with the conflict checked when another field
 * failed (resolveExternal, a transform, checks it otherwise), so both are reported at once.
 */
export function externalResource<S extends z.core.$ZodLooseShape>(shape: S) {
  return extensible(shape, (sound, ctx) => externalConflict(sound as WithExternal, ctx));
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
  externalConflict(value, ctx);
  const legacy = external.name;
  if (legacy === undefined) return { ...rest, external: true };
  return { ...rest, name: legacy, external: true };
}
