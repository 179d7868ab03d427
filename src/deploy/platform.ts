// Whether an image the engine has is for the platform a service asks for (compose's `platform:`).
// Pure: normalizes names as containerd does (x86_64 → amd64, aarch64 → arm64, arm64/v8 → arm64).

export interface Platform {
  readonly os: string;
  /** Absent: `platform: linux` names only the OS (the engine picks its own architecture). */
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
  const v = written ?? DEFAULT_VARIANT[arch];
  return v === undefined
    ? { os: lowerOs, architecture: arch }
    : { os: lowerOs, architecture: arch, variant: v };
}

/** `os/arch[/variant]` as Docker writes it. */
export function platformText(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter((part) => part !== undefined).join('/');
}

/**
 * Whether an image for `has` runs as a service that asks for `wanted`. The OS and (when asked) the
 * architecture must be equal; a variant only counts when both sides name one (an image without a
 * variant is taken to fit, as the engine does).
 */
export function platformFits(wanted: Platform, has: Platform): boolean {
  if (wanted.os !== has.os) return false;
  if (wanted.architecture === undefined) return true;
  if (wanted.architecture !== has.architecture) return false;
  return wanted.variant === undefined || has.variant === undefined || wanted.variant === has.variant;
}
