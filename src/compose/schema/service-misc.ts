import { z } from 'zod';
import { closed, invalid, show } from './common.js';
import { boolish, integer, rawIntOrString, toInt } from './scalars.js';

/** `ulimits` → `{soft, hard}` per limit; a single number sets both. Each limit is checked on its own. */
export const ulimits = z.record(
  z.string(),
  z
    .union([rawIntOrString, closed({ hard: rawIntOrString, soft: rawIntOrString })])
    .transform((value, ctx) => {
      if (typeof value !== 'object') {
        const both = toInt(value, ctx, {}, []);
        return { soft: both, hard: both };
      }
      const soft = toInt(value.soft, ctx, {}, ['soft']);
      const hard = toInt(value.hard, ctx, {}, ['hard']);
      if (soft > hard && hard !== -1)
        invalid(ctx, `soft limit ${soft} is above the hard limit ${hard}`, 'make `soft` at most `hard`');
      return { soft, hard };
    }),
);

/** `logging`: option values that are numbers become strings, as the engine takes them. */
export const logging = closed({
  driver: z.string().optional(),
  options: z
    .record(z.string(), z.union([z.string(), z.number(), z.null()]))
    .transform((map) => {
      const out: Record<string, string | null> = {};
      for (const [key, value] of Object.entries(map))
        out[key] = typeof value === 'number' ? String(value) : value;
      return out;
    })
    .optional(),
});

/** `env_file` → list of `{path, required, format?}` (a bare path is required). */
export const envFile = z
  .union([
    z.string(),
    z.array(
      z.union([
        z.string(),
        closed(
          { path: z.string(), format: z.string().optional(), required: boolish.optional() },
          { extensions: false },
        ),
      ]),
    ),
  ])
  .transform((value) => {
    const list = typeof value === 'string' ? [value] : value;
    return list.map((entry) => {
      if (typeof entry === 'string') return { path: entry, required: true };
      const { path, format, required } = entry;
      return {
        path,
        required: required ?? true,
        ...(format === undefined ? {} : { format }),
      };
    });
  });

/** `extends` → `{service, file?}`. */
export const extendsRef = z
  .union([z.string(), closed({ service: z.string(), file: z.string().optional() }, { extensions: false })])
  .transform((value) => (typeof value === 'string' ? { service: value } : value));

const DEVICE_PERMS = /^[rwm]+$/;

/**
 * `devices` → `{source, target?, permissions?}`. Short form is `HOST[:CONTAINER][:PERMISSIONS]`
 * (as the Docker CLI reads it); a CDI name (`vendor.com/class=name`) is kept whole as the source.
 */
export const devices = z.array(
  // Each device is read on its own, so every bad one is reported at once.
  z
    .union([
      z.string(),
      closed({ source: z.string(), target: z.string().optional(), permissions: z.string().optional() }),
    ])
    .transform((entry, ctx) => {
      if (typeof entry !== 'string') return entry;
      if (!entry.startsWith('/') && entry.includes('=')) return { source: entry };
      const parts = entry.split(':');
      const [source = '', second, third] = parts;
      if (parts.length > 3 || source === '') {
        invalid(ctx, `invalid device ${show(entry)}`, 'write HOST_PATH[:CONTAINER_PATH][:rwm]');
        return { source };
      }
      if (third !== undefined) return { source, target: second, permissions: third };
      if (second === undefined) return { source, target: source };
      return DEVICE_PERMS.test(second)
        ? { source, target: source, permissions: second }
        : { source, target: second };
    }),
);

/** `cpu_count`/`cpu_percent`/`oom_score_adj`: a string, or an integer within bounds (kept as written). */
export function boundedIntOrString(min: number, max?: number) {
  const n = max === undefined ? integer.min(min) : integer.min(min).max(max);
  return z.union([z.string(), n]);
}
