/*
 * Image references as the engine lists its tags, and the words image retention explains itself with.
 */

const REGISTRY_ALIASES = /^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//;

/**
 * The tag a pull or build of `reference` leaves on the engine, as the engine lists it: `redis` is
 * `redis:latest`, Docker Hub's host and `library/` are implied. A reference pinned by digest leaves
 * no tag (the pull asks for the digest alone): it is kept as `name@digest`, which no tag equals.
 */
export function normalTag(reference: string): string {
  const plain = reference.replace(REGISTRY_ALIASES, '').replace(/^library\//, '');
  const at = plain.indexOf('@');
  if (at >= 0) {
    const name = plain.slice(0, at);
    const slash = name.lastIndexOf('/');
    const colon = name.lastIndexOf(':');
    return `${colon > slash ? name.slice(0, colon) : name}${plain.slice(at)}`;
  }
  return plain.slice(plain.lastIndexOf('/') + 1).includes(':') ? plain : `${plain}:latest`;
}

/**
 * Whether an engine tag is one of the recorded references (normalized). A recorded reference holds
 * the stack's secret values masked (`shop-********:latest`): the mask stands for any text there.
 */
export function tagMatcher(recorded: readonly string[], mask: string): (tag: string) => string | undefined {
  const patterns = [...new Set(recorded.map(normalTag))].map((ref) => ({
    ref,
    test: ref.includes(mask) ? new RegExp(`^${ref.split(mask).map(escapeRegExp).join('.+')}$`) : undefined,
  }));
  return (tag) => {
    const t = normalTag(tag);
    return patterns.find((p) => (p.test ? p.test.test(t) : p.ref === t))?.ref;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** 1st, 2nd, 3rd, 4th … 11th, 12th, 13th … 21st, 22nd. */
export function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

/** `2026-12-07 03:29` of an ISO time. */
export function minute(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

/** `a, b, c and 2 more`. */
export function listed(names: readonly string[], max = 3): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
