import { z } from 'zod';
import {
  type Ctx,
  closed,
  eachSoundItem,
  invalid,
  LIST_INSTEAD_OF_TRANSFORM,
  oneOf,
  type PathKey,
  show,
  uniqueArray,
} from './common.js';
import { rawListOrDict, toStringMap } from './maps.js';
import { BYTES_HINT, integer, rawBoolOrString, rawNumberOrString, toBoolAt } from './scalars.js';
import { parseBytes, parseFileMode } from './units.js';

/*
 * Service `volumes` in both syntaxes → mounts. The short syntax `[SOURCE:]TARGET[:MODES]` is split
 * the way compose-go does it (a one-letter segment before `:` is a Windows drive, not a separator);
 * a source starting with `/`, `.`, `~`, `\\` or a drive letter is a bind mount, any other source is
 * a named volume, no source is an anonymous volume. Paths are kept as written: resolving `.` and `~`
 * belongs to the loader, which knows the project directory.
 */

export const MOUNT_TYPES = ['bind', 'volume', 'tmpfs', 'cluster', 'npipe', 'image'] as const;
const PROPAGATIONS = ['shared', 'slave', 'private', 'rshared', 'rslave', 'rprivate'] as const;
const CONSISTENCY = ['consistent', 'cached', 'delegated'] as const;
const SHORT_MODES = ['ro', 'rw', 'z', 'Z', 'nocopy', ...PROPAGATIONS, ...CONSISTENCY] as const;

/*
 * Validated as written (no transforms) so `uniqueItems` compares what was written, as upstream
 * does; each item is then normalized with issues at its own path.
 */
const rawLongVolume = closed({
  type: oneOf(MOUNT_TYPES),
  source: z.string().optional(),
  target: z.string().optional(),
  read_only: rawBoolOrString.optional(),
  consistency: z.string().optional(),
  bind: closed({
    propagation: z.string().optional(),
    create_host_path: rawBoolOrString.optional(),
    recursive: oneOf(['enabled', 'disabled', 'writable', 'readonly']).optional(),
    selinux: oneOf(['z', 'Z']).optional(),
  }).optional(),
  volume: closed({
    labels: rawListOrDict.optional(),
    nocopy: rawBoolOrString.optional(),
    subpath: z.string().optional(),
  }).optional(),
  tmpfs: closed({
    size: z.union([integer.min(0), z.string()]).optional(),
    mode: rawNumberOrString.optional(),
  }).optional(),
  image: closed({ subpath: z.string().optional() }).optional(),
});

type RawLongVolume = z.output<typeof rawLongVolume>;
type RawBind = NonNullable<RawLongVolume['bind']>;
type RawVolumeOptions = NonNullable<RawLongVolume['volume']>;

/** A normalized mount: the long syntax with booleans, sizes (bytes) and file modes (numbers) converted. */
interface Mount extends Omit<RawLongVolume, 'target' | 'read_only' | 'bind' | 'volume' | 'tmpfs'> {
  target: string;
  read_only: boolean;
  bind?: Omit<RawBind, 'create_host_path'> & { create_host_path?: boolean };
  volume?: Omit<RawVolumeOptions, 'labels' | 'nocopy'> & {
    labels?: Record<string, string>;
    nocopy?: boolean;
  };
  tmpfs?: { size?: number; mode?: number };
}

const SHORT_HINT = 'write SOURCE:TARGET[:MODE], e.g. "./data:/data:ro" or "dbdata:/var/lib/postgresql/data"';

/** compose-go's splitting: `:` separates, except right after a single letter (a Windows drive). */
export function splitVolumeSpec(spec: string): string[] {
  const parts: string[] = [];
  let buffer = '';
  for (const ch of spec) {
    if (ch === ':' && !(buffer.length === 1 && /^\p{L}$/u.test(buffer))) {
      parts.push(buffer);
      buffer = '';
    } else buffer += ch;
  }
  parts.push(buffer);
  return parts;
}

export function isHostPath(source: string): boolean {
  return /^[./~]/.test(source) || source.startsWith('\\\\') || /^\p{L}:/u.test(source);
}

function applyModes(mount: Mount, modes: string, ctx: Ctx, path: readonly PathKey[]): void {
  for (const mode of modes.split(',')) {
    const known = SHORT_MODES.find((m) => m === mode);
    if (known === undefined) {
      invalid(
        ctx,
        `unknown volume mode ${show(mode)}`,
        `use ${SHORT_MODES.join(', ')} (comma-separated)`,
        path,
      );
      continue;
    }
    if (known === 'ro' || known === 'rw') mount.read_only = known === 'ro';
    else if (known === 'nocopy') mount.volume = { ...mount.volume, nocopy: true };
    else if (known === 'z' || known === 'Z') mount.bind = { ...mount.bind, selinux: known };
    else if ((PROPAGATIONS as readonly string[]).includes(known))
      mount.bind = { ...mount.bind, propagation: known };
    else mount.consistency = known;
  }
}

/** One short-syntax volume string → a mount, or undefined after reporting an issue. */
export function parseShortVolume(spec: string, ctx: Ctx, path: readonly PathKey[]): Mount | undefined {
  const bad = (why: string): undefined => {
    invalid(ctx, `invalid volume ${show(spec)}: ${why}`, SHORT_HINT, path);
    return undefined;
  };
  if (spec === '') return bad('it is empty');
  const parts = spec.length <= 2 ? [spec] : splitVolumeSpec(spec);
  if (parts.length > 3) return bad('too many `:`');
  if (parts.some((p) => p === '')) return bad('empty section between `:`');
  const [first = '', second, modes] = parts;
  if (second === undefined) return { type: 'volume', target: first, read_only: false };
  const bind = isHostPath(first);
  const mount: Mount = bind
    ? { type: 'bind', source: first, target: second, read_only: false, bind: { create_host_path: true } }
    : { type: 'volume', source: first, target: second, read_only: false };
  if (modes !== undefined) applyModes(mount, modes, ctx, path);
  return mount;
}

function sized(value: number | string, ctx: Ctx, path: readonly PathKey[]): number {
  const bytes = parseBytes(value);
  return bytes ?? invalid(ctx, `invalid byte size ${show(value)}`, BYTES_HINT, path);
}

function normalizeLong(raw: RawLongVolume, ctx: Ctx, path: readonly PathKey[]): Mount | undefined {
  if (raw.target === undefined || raw.target === '') {
    invalid(
      ctx,
      `a ${raw.type} mount needs a \`target\` (the path in the container)`,
      'add `target: /path`',
      path,
    );
    return undefined;
  }
  if ((raw.type === 'bind' || raw.type === 'npipe' || raw.type === 'image') && !raw.source) {
    invalid(
      ctx,
      `a ${raw.type} mount needs a \`source\``,
      'add `source:` (a host path, pipe or image)',
      path,
    );
    return undefined;
  }
  const at = (...keys: PathKey[]) => [...path, ...keys];
  const mount: Mount = {
    type: raw.type,
    target: raw.target,
    read_only: raw.read_only === undefined ? false : toBoolAt(raw.read_only, ctx, at('read_only')),
  };
  if (raw.source !== undefined) mount.source = raw.source;
  if (raw.consistency !== undefined) mount.consistency = raw.consistency;
  if (raw.bind !== undefined) {
    const { create_host_path, ...bind } = raw.bind;
    mount.bind = bind;
    if (create_host_path !== undefined)
      mount.bind.create_host_path = toBoolAt(create_host_path, ctx, at('bind', 'create_host_path'));
  }
  if (raw.volume !== undefined) {
    const { labels, nocopy, ...volume } = raw.volume;
    mount.volume = volume;
    if (labels !== undefined) mount.volume.labels = toStringMap(labels);
    if (nocopy !== undefined) mount.volume.nocopy = toBoolAt(nocopy, ctx, at('volume', 'nocopy'));
  }
  if (raw.tmpfs !== undefined) {
    const { size, mode } = raw.tmpfs;
    mount.tmpfs = {};
    if (size !== undefined) mount.tmpfs.size = sized(size, ctx, at('tmpfs', 'size'));
    if (mode !== undefined)
      mount.tmpfs.mode =
        parseFileMode(mode) ??
        invalid(
          ctx,
          `invalid file mode ${show(mode)}`,
          'write an octal mode like "1777"',
          at('tmpfs', 'mode'),
        );
  }
  if (raw.image !== undefined) mount.image = raw.image;
  return mount;
}

type RawVolume = string | RawLongVolume;

function normalizeVolume(raw: RawVolume, ctx: Ctx, index: number): Mount[] {
  const mount =
    typeof raw === 'string' ? parseShortVolume(raw, ctx, [index]) : normalizeLong(raw, ctx, [index]);
  return mount === undefined ? [] : [mount];
}

/** Service `volumes` → mounts, in order. */
export const serviceVolumes = uniqueArray(z.union([z.string(), rawLongVolume]))
  .superRefine((items, ctx) => {
    eachSoundItem(items, ctx, (item, index) => normalizeVolume(item, ctx, index));
  }, LIST_INSTEAD_OF_TRANSFORM)
  .transform((items, ctx) => items.flatMap((item, index) => normalizeVolume(item, ctx, index)));
