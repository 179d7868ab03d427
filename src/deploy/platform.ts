// Whether an image the engine has runs as a service's `platform:` (compose), as the engine decides it.
// Pure: names are normalized and matched as containerd does (platforms.Normalize, platforms.Only):
// x86_64 is amd64, aarch64 is arm64, arm64 means arm64/v8, arm means arm/v7, and a platform accepts
// the older ones its machines run (amd64 runs 386, arm/v7 runs arm/v6 and v5, arm64 runs arm).

export interface Platform {
  readonly os: string;
  /** Absent: `platform: linux` names only the OS (the engine then uses its own architecture). */
  readonly architecture?: string;
  readonly variant?: string;
}

const ARCH_ALIASES: Readonly<Record<string, { architecture: string; variant?: string }>> = {
  x86_64: { architecture: 'amd64' },
  'x86-64': { architecture: 'amd64' },
  aarch64: { architecture: 'arm64' },
  armhf: { architecture: 'arm', variant: 'v7' },
  armel: { architecture: 'arm', variant: 'v6' },
  i386: { architecture: '386' },
};

/** The variant an architecture has when none is written: arm64 means v8, arm means v7. */
const DEFAULT_VARIANT: Readonly<Record<string, string>> = { arm64: 'v8', arm: 'v7' };

/** `os[/arch[/variant]]`, lower-cased and normalized; undefined for an empty part or more than three. */
export function parsePlatform(text: string): Platform | undefined {
  const parts = text.trim().toLowerCase().split('/');
  if (parts.length > 3 || parts.some((p) => p === '')) return undefined;
  const [os, arch, variant] = parts;
  if (os === undefined) return undefined;
  return platformOf(os, arch, variant);
}

/** The engine's `Os`, `Architecture` and `Variant` of an image, normalized like a written platform. */
export function platformOf(os: string, architecture?: string, variant?: string): Platform {
  const lowerOs = os.toLowerCase();
  if (architecture === undefined || architecture === '') return { os: lowerOs };
  const alias = ARCH_ALIASES[architecture.toLowerCase()];
  const arch = alias?.architecture ?? architecture.toLowerCase();
  const written = (variant ?? '').toLowerCase() || alias?.variant;
  // containerd writes arm variants with a `v` (`arm/7` is `arm/v7`); amd64's v1 is plain amd64.
  const withV = written !== undefined && /^[0-9]+$/.test(written) ? `v${written}` : written;
  const v = arch === 'amd64' && withV === 'v1' ? undefined : (withV ?? DEFAULT_VARIANT[arch]);
  return v === undefined
    ? { os: lowerOs, architecture: arch }
    : { os: lowerOs, architecture: arch, variant: v };
}

/** `os/arch[/variant]` as Docker writes it. */
export function platformText(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter((part) => part !== undefined).join('/');
}

/** The number of a `vN` variant; undefined for none or another spelling. */
function variantNumber(variant: string | undefined): number | undefined {
  const match = variant === undefined ? null : /^v([0-9]+)$/.exec(variant);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** What a machine of `wanted` runs, best first (containerd's platformVector). */
export function acceptedPlatforms(wanted: Platform): Platform[] {
  const { os, architecture } = wanted;
  const out: Platform[] = [wanted];
  const n = variantNumber(wanted.variant);
  if (architecture === 'amd64') {
    for (let v = (n ?? 1) - 1; v >= 1; v--)
      out.push(v === 1 ? { os, architecture } : { os, architecture, variant: `v${v}` });
    out.push({ os, architecture: '386' });
  } else if (architecture === 'arm' && n !== undefined) {
    for (let v = n - 1; v >= 5; v--) out.push({ os, architecture, variant: `v${v}` });
  } else if (architecture === 'arm64') {
    out.push(...acceptedPlatforms({ os, architecture: 'arm', variant: wanted.variant ?? 'v8' }));
  }
  return out;
}

/**
 * Whether an image for `has` runs as a service that asks for `wanted`, on an engine whose own
 * platform is `engine` (which completes a `platform:` that names only the OS; unknown: the OS alone
 * is compared). An image whose architecture the engine does not report fits only an OS-only ask.
 */
export function platformFits(wanted: Platform, has: Platform, engine?: Platform): boolean {
  if (wanted.os !== has.os) return false;
  const asked =
    wanted.architecture === undefined && engine?.architecture !== undefined && engine.os === wanted.os
      ? engine
      : wanted;
  if (asked.architecture === undefined) return true;
  return acceptedPlatforms(asked).some(
    (p) => p.architecture === has.architecture && p.variant === has.variant,
  );
}

/** Whether two written platforms name the same one (`linux/arm64`, `Linux/ARM64/v8`). */
export function samePlatform(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  const [pa, pb] = [parsePlatform(a), parsePlatform(b)];
  return pa !== undefined && pb !== undefined ? platformText(pa) === platformText(pb) : a === b;
}

/** A service's written `platform:` against the platform of the image the engine has, as Docker writes both. */
export interface PlatformMismatch {
  readonly has: string;
  readonly wanted: string;
}

/**
 * How the image the engine has (`has`) differs from the service's `platform:` (`written`), when the
 * engine would refuse to run it as the service; undefined when it fits, or either is unknown. A
 * platform that names only the OS is reported as the engine's own.
 */
export function platformMismatch(
  written: string | undefined,
  has: Platform | undefined,
  engine?: Platform,
): PlatformMismatch | undefined {
  const wanted = written === undefined ? undefined : parsePlatform(written);
  if (wanted === undefined || has === undefined || platformFits(wanted, has, engine)) return undefined;
  const asked = wanted.architecture === undefined && engine !== undefined ? engine : wanted;
  return { has: platformText(has), wanted: platformText(asked) };
}
