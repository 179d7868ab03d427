import { z } from 'zod';
import { didYouMean, SpecCode } from '../diagnostics.js';
import { INSTEAD_OF_TRANSFORM, soundFields } from '../xberth/values.js';

/** What transforms and refinements receive: enough to report an issue at a relative path. */
export type Ctx = z.core.$RefinementCtx<unknown>;
export type PathKey = string | number;

/**
 * Extra data on Berth's own issues (`code: 'custom'`), read back by `schemaFindings`. `hint` says
 * what to write instead; unknown-key issues carry the allowed names for a did-you-mean hint.
 */
export interface BerthIssueParams {
  readonly berth: SpecCode;
  readonly hint: string;
  readonly key?: string;
  readonly candidates?: readonly string[];
  readonly allowExtensions?: boolean;
  /** The finding is about the key itself (a bad name), not its value. */
  readonly at?: 'key';
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reports a Berth issue and returns `z.NEVER` so a transform can `return fail(...)`. */
export function fail(
  ctx: Ctx,
  code: SpecCode,
  message: string,
  hint: string,
  path: readonly PathKey[] = [],
  at?: 'key',
): typeof z.NEVER {
  const params: BerthIssueParams = at === undefined ? { berth: code, hint } : { berth: code, hint, at };
  ctx.addIssue({ code: 'custom', message, path: [...path], params });
  return z.NEVER;
}

export function invalid(
  ctx: Ctx,
  message: string,
  hint: string,
  path: readonly PathKey[] = [],
): typeof z.NEVER {
  return fail(ctx, SpecCode.InvalidValue, message, hint, path);
}

export function missing(ctx: Ctx, key: string, hint: string, path: readonly PathKey[] = []): typeof z.NEVER {
  return fail(ctx, SpecCode.MissingKey, `missing required key \`${key}\``, hint, [...path, key], 'key');
}

/** A problem with a mapping key's name (not its value). */
export function invalidKey(ctx: Ctx, message: string, hint: string, key: string): void {
  fail(ctx, SpecCode.InvalidValue, message, hint, [key], 'key');
}

/** Quoted for messages: strings in double quotes, everything else as JSON. */
export function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

const always = (): boolean => true;

/** `allowExtensions`: `x-*` keys are legal here (the upstream schema has `patternProperties: {"^x-": {}}`). */
function keyGuard(known: readonly string[], allowExtensions: boolean) {
  const set = new Set(known);
  return (value: unknown, ctx: Ctx): void => {
    if (!isRecord(value)) return;
    for (const key of Object.keys(value)) {
      if (set.has(key) || (allowExtensions && key.startsWith('x-'))) continue;
      const params: BerthIssueParams = {
        berth: SpecCode.UnknownKey,
        hint: '',
        key,
        candidates: known,
        allowExtensions,
      };
      ctx.addIssue({
        code: 'custom',
        message: `unknown key \`${key}\``,
        path: [key],
        input: value[key],
        params,
      });
    }
  };
}

function pickKnown(value: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (value[key] !== undefined) out[key] = value[key];
  return out;
}

export function pickExtensions(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (key.startsWith('x-')) out[key] = v;
  return out;
}

export interface ClosedOptions {
  /** `x-*` keys are accepted (and dropped from the output). Default true, as on most upstream objects. */
  readonly extensions?: boolean;
}

/**
 * A mapping with a fixed set of keys, like an upstream `additionalProperties: false` object. An
 * unknown key is an issue at the key's own path (so editors can point at it) that carries the known
 * names for a did-you-mean hint. `x-*` keys are validated as anything and dropped.
 */
export function closed<S extends z.core.$ZodLooseShape>(shape: S, options: ClosedOptions = {}) {
  const keys = Object.keys(shape);
  return z
    .looseObject(shape)
    .superRefine(keyGuard(keys, options.extensions ?? true), { when: always })
    .transform((value) => pickKnown(value, keys) as z.output<z.ZodObject<S>>);
}

/**
 * Like `closed`, but keeps the `x-*` keys verbatim under `extensions` (services and the file itself).
 * `across`: a check across fields that a later transform makes, run here instead when a field failed
 * its own check (zod then runs no transform), on the fields that passed theirs.
 */
export function extensible<S extends z.core.$ZodLooseShape>(
  shape: S,
  across?: (sound: Partial<z.output<z.ZodObject<S>>>, ctx: Ctx) => void,
) {
  const keys = Object.keys(shape);
  const guarded = z.looseObject(shape).superRefine(keyGuard(keys, true), { when: always });
  return (
    across === undefined
      ? guarded
      : guarded.superRefine(
          (value, ctx) => across(soundFields(value as z.output<z.ZodObject<S>>, ctx), ctx),
          INSTEAD_OF_TRANSFORM,
        )
  ).transform((value) => ({
    ...(pickKnown(value, keys) as z.output<z.ZodObject<S>>),
    extensions: pickExtensions(value),
  }));
}

/** Canonical JSON (sorted keys) so two equal values compare equal as JSON Schema `uniqueItems` does. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** The keys (or list indexes) of a value with an issue at or under them. */
export function failedAt(ctx: {
  readonly issues: readonly { readonly path?: PropertyKey[] }[];
}): Set<PropertyKey> {
  const failed = new Set<PropertyKey>();
  for (const issue of ctx.issues) {
    const key = issue.path?.[0];
    if (key !== undefined) failed.add(key);
  }
  return failed;
}

/**
 * `superRefine` options for a list's checks that its transform makes as it normalizes each item,
 * run in the transform's stead when an item failed (or repeats another): zod runs a transform only
 * on a value without issues, and these run exactly when it does not, so every bad item is reported
 * at once and nothing is checked twice. The check skips the items that failed (`failedAt`).
 */
export const LIST_INSTEAD_OF_TRANSFORM = {
  when: (payload: z.core.ParsePayload): boolean =>
    Array.isArray(payload.value) && payload.issues.some((issue) => issue.code !== 'unrecognized_keys'),
};

/** Calls `check` on each item that passed its own parse (see LIST_INSTEAD_OF_TRANSFORM). */
export function eachSoundItem<T>(
  items: readonly T[],
  ctx: Ctx,
  check: (item: T, index: number) => void,
): void {
  const failed = failedAt(ctx);
  items.forEach((item, index) => {
    if (!failed.has(index)) check(item, index);
  });
}

/**
 * An array whose items must all differ (upstream `uniqueItems: true`); the duplicate is reported,
 * also when other items failed their own parse (those are not compared).
 */
export function uniqueArray<T extends z.core.SomeType>(item: T) {
  return z.array(item).superRefine(
    (items: readonly unknown[], ctx) => {
      const failed = failedAt(ctx);
      const seen = new Map<string, number>();
      items.forEach((it, index) => {
        if (failed.has(index)) return;
        const key = canonical(it);
        const first = seen.get(key);
        if (first === undefined) seen.set(key, index);
        else
          invalid(ctx, `duplicate entry ${show(it)} (repeats item [${first}])`, 'remove the repeated entry', [
            index,
          ]);
      });
    },
    { when: (payload) => Array.isArray(payload.value) },
  );
}

/** Upstream names for services, volumes, secrets, configs and the keys of `depends_on`/`networks`. */
export const NAME_PATTERN = /^[a-zA-Z0-9._-]+$/;

/** A mapping whose keys must match NAME_PATTERN (upstream `patternProperties` + `additionalProperties: false`). */
export function namedMap<T extends z.core.SomeType>(value: T, what: string) {
  return z.record(z.string(), value).superRefine(
    (map: Record<string, unknown>, ctx) => {
      for (const key of Object.keys(map)) {
        if (!NAME_PATTERN.test(key))
          invalidKey(
            ctx,
            `invalid ${what} name ${show(key)}`,
            'use only letters, digits, `.`, `_` and `-`',
            key,
          );
      }
    },
    { when: (payload) => isRecord(payload.value) },
  );
}

export const listOfStrings = uniqueArray(z.string());

/** `string_or_list`: a single string becomes a one-item list. */
export const stringOrList = z
  .union([z.string(), listOfStrings])
  .transform((v): string[] => (typeof v === 'string' ? [v] : v));

/**
 * A string from a fixed set. Used instead of `z.enum` so the issue names the value written and
 * suggests the closest allowed one, and so a missing required key reads as missing.
 */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.string().transform((value, ctx): T[number] => {
    const found = values.find((v) => v === value);
    if (found !== undefined) return found;
    const suggestion = didYouMean(value, values);
    return invalid(
      ctx,
      `invalid value ${show(value)}`,
      `${suggestion === '' ? '' : `${suggestion} `}allowed values: ${values.join(', ')}`,
    );
  });
}
