import { z } from 'zod';
import { parseDuration } from '../schema/units.js';

/** A duration written as in compose (`90s`, `2m`, `1m30s`), parsed to milliseconds; `0` alone needs no unit. */
export const durationSchema = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? (value === 0 ? 0 : undefined) : parseDuration(value);
  if (ms === undefined || ms < 0) {
    ctx.addIssue({
      code: 'custom',
      message: `invalid duration ${JSON.stringify(value)}`,
      params: { hint: 'write a duration with a unit, like 30s, 2m or 1m30s' },
    });
    return z.NEVER;
  }
  return ms;
});

type Payload = z.core.ParsePayload;

const isMapping = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * `superRefine` options for checks across the fields of an x-berth mapping: they run even when a
 * field failed its own check (zod skips a plain refinement then), so their findings come with that
 * field's. The check reads `soundFields` only, never what already failed.
 */
export const ACROSS_FIELDS = { when: (payload: Payload) => isMapping(payload.value) };

/**
 * `superRefine` options for the checks a transform makes across fields, run in its stead when a
 * field failed its own check: zod runs a transform only on a value without issues (unknown keys
 * aside), and these run exactly when it does not, so nothing is checked twice. The check reads
 * `soundFields` only.
 */
export const INSTEAD_OF_TRANSFORM = {
  when: (payload: Payload) =>
    isMapping(payload.value) && payload.issues.some((issue) => issue.code !== 'unrecognized_keys'),
};

/**
 * The fields of a mapping that passed their own checks: a field with an issue at or under it is
 * left out, so a check across fields never reports a consequence of a mistake already reported.
 */
export function soundFields<T extends object>(
  value: T,
  ctx: { readonly issues: Payload['issues'] },
): Partial<T> {
  const failed = new Set(ctx.issues.map((issue) => issue.path?.[0]).filter((key) => key !== undefined));
  if (failed.size === 0) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => !failed.has(key))) as Partial<T>;
}

/** Reports a finding at `path` of the mapping being checked, with its hint. */
export type Fail = (path: (string | number)[], message: string, hint: string) => void;

/** A `fail` that adds its finding to `ctx`, and whether any was added (`state.failed`). */
export function failer(ctx: z.RefinementCtx): { state: { failed: boolean }; fail: Fail } {
  const state = { failed: false };
  const fail: Fail = (path, message, hint) => {
    state.failed = true;
    ctx.addIssue({ code: 'custom', path, message, params: { hint } });
  };
  return { state, fail };
}
