import { z } from 'zod';
import { closed, invalid, missing, show } from './common.js';
import { rawNumberOrString } from './scalars.js';
import { ShellSplitError, shellSplit } from './shell-split.js';
import { parseFileMode } from './units.js';

/** `command`/`entrypoint`: a string is split into words like a shell would; null (reset) stays null. */
export const command = z.union([z.null(), z.string(), z.array(z.string())]).transform((value, ctx) => {
  if (typeof value !== 'string') return value;
  try {
    return shellSplit(value);
  } catch (error) {
    const why = error instanceof ShellSplitError ? error.message : String(error);
    return invalid(
      ctx,
      `cannot split ${show(value)} into words: ${why}`,
      'close the quote, or write the command as a list',
    );
  }
});

/** A service's `secrets`/`configs` entry: a name, or `{source, target, uid, gid, mode}`. */
const fileRef = z
  .union([
    z.string(),
    closed({
      source: z.string().optional(),
      target: z.string().optional(),
      uid: z.string().optional(),
      gid: z.string().optional(),
      mode: rawNumberOrString.optional(),
    }),
  ])
  .transform((value, ctx) => {
    if (typeof value === 'string') return { source: value };
    const { source, mode, ...rest } = value;
    // Both are checked, so a bad mode is reported with a missing source, not after its fix.
    const parsed =
      mode === undefined
        ? undefined
        : (parseFileMode(mode) ??
          invalid(ctx, `invalid file mode ${show(mode)}`, 'write an octal mode like "0440"', ['mode']));
    if (source === undefined)
      return missing(ctx, 'source', 'name the secret or config to mount with `source:`');
    return parsed === undefined ? { source, ...rest } : { source, ...rest, mode: parsed };
  });

export const fileRefs = z.array(fileRef);
