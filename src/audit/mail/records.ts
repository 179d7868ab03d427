/*
 * SPF (RFC 7208), DMARC (RFC 7489) and DKIM key (RFC 6376, RFC 8301, RFC 8463) records as DNS TXT
 * answers carry them, read the way a receiving mail server reads them. Pure: no lookups here.
 */
import { createPublicKey } from 'node:crypto';
import { isIPv4Text, isIPv6Text } from './ip-text.js';

export type SpfQualifier = '+' | '-' | '~' | '?';

export type SpfTerm =
  | { readonly kind: 'all'; readonly qualifier: SpfQualifier }
  | { readonly kind: 'include' | 'exists'; readonly qualifier: SpfQualifier; readonly domain: string }
  | { readonly kind: 'a' | 'mx' | 'ptr'; readonly qualifier: SpfQualifier; readonly domain?: string }
  | { readonly kind: 'ip4' | 'ip6'; readonly qualifier: SpfQualifier; readonly network: string }
  | { readonly kind: 'redirect' | 'exp'; readonly domain: string };

export type SpfRecord =
  | { readonly ok: true; readonly terms: readonly SpfTerm[] }
  | { readonly ok: false; readonly error: string };

/** The TXT strings that are SPF records: `v=spf1` alone or followed by a space (case-insensitive). */
export function spfRecords(txt: readonly string[]): string[] {
  return txt.filter((t) => /^v=spf1( |$)/i.test(t));
}

const DOMAIN_SPEC = /^[^\s/]+$/;

/** One SPF record's terms, or why a receiver would fail it (permerror). */
export function parseSpf(record: string): SpfRecord {
  const terms: SpfTerm[] = [];
  const seenModifiers = new Set<string>();
  for (const word of record.trim().split(/ +/).slice(1)) {
    const modifier = /^([a-z][a-z0-9_.-]*)=(.*)$/i.exec(word);
    if (modifier) {
      const name = (modifier[1] ?? '').toLowerCase();
      const value = modifier[2] ?? '';
      if (name !== 'redirect' && name !== 'exp') continue;
      if (seenModifiers.has(name)) return { ok: false, error: `\`${name}=\` appears twice` };
      seenModifiers.add(name);
      if (!DOMAIN_SPEC.test(value)) return { ok: false, error: `\`${word}\` names no domain` };
      terms.push({ kind: name, domain: value });
      continue;
    }
    const parsed = /^([+\-~?]?)([a-z0-9]+)(?::([^/]*))?(\/.*)?$/i.exec(word);
    const qualifier = (parsed?.[1] || '+') as SpfQualifier;
    const name = (parsed?.[2] ?? '').toLowerCase();
    const arg = parsed?.[3];
    const cidr = parsed?.[4] ?? '';
    switch (parsed ? name : '') {
      case 'all':
        if (arg !== undefined || cidr) return { ok: false, error: `\`${word}\` takes no argument` };
        terms.push({ kind: 'all', qualifier });
        break;
      case 'include':
      case 'exists':
        if (!arg || cidr || !DOMAIN_SPEC.test(arg))
          return { ok: false, error: `\`${word}\` needs a domain (\`${name}:example.com\`)` };
        terms.push({ kind: name as 'include' | 'exists', qualifier, domain: arg });
        break;
      case 'a':
      case 'mx':
      case 'ptr':
        if (arg === '' || (name === 'ptr' ? cidr !== '' : !validDualCidr(cidr)))
          return { ok: false, error: `\`${word}\` is malformed` };
        terms.push({ kind: name as 'a' | 'mx' | 'ptr', qualifier, ...(arg ? { domain: arg } : {}) });
        break;
      case 'ip4':
      case 'ip6':
        if (!arg || !validNetwork(name, `${arg}${cidr}`))
          return {
            ok: false,
            error: `\`${word}\` is not a valid ${name === 'ip4' ? 'IPv4' : 'IPv6'} network`,
          };
        terms.push({ kind: name as 'ip4' | 'ip6', qualifier, network: `${arg}${cidr}` });
        break;
      default:
        return { ok: false, error: `\`${word}\` is not an SPF mechanism` };
    }
  }
  return { ok: true, terms };
}

function validNetwork(kind: string, network: string): boolean {
  const [address = '', prefix, extra] = network.split('/');
  if (extra !== undefined) return false;
  if (prefix !== undefined && !prefixWithin(prefix, kind === 'ip4' ? 32 : 128)) return false;
  return kind === 'ip4' ? isIPv4Text(address) : isIPv6Text(address);
}

function prefixWithin(prefix: string, max: number): boolean {
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= max;
}

/** `a` and `mx` take `/<ip4 prefix>`, `//<ip6 prefix>` or both (RFC 7208 §5.6). */
function validDualCidr(cidr: string): boolean {
  const dual = /^(?:\/(\d{1,3}))?(?:\/\/(\d{1,3}))?$/.exec(cidr);
  if (!dual) return false;
  const [, v4, v6] = dual;
  return (v4 === undefined || prefixWithin(v4, 32)) && (v6 === undefined || prefixWithin(v6, 128));
}

/**
 * The terms a receiver evaluates, in order: mechanisms up to and including the first `all` (those
 * after it are never reached), then `redirect=` when there is no `all` (RFC 7208 §6.1).
 */
export function evaluatedTerms(terms: readonly SpfTerm[]): SpfTerm[] {
  const all = terms.findIndex((t) => t.kind === 'all');
  if (all >= 0) return terms.slice(0, all + 1).filter((t) => t.kind !== 'redirect' && t.kind !== 'exp');
  return [
    ...terms.filter((t) => t.kind !== 'redirect' && t.kind !== 'exp'),
    ...terms.filter((t) => t.kind === 'redirect'),
  ];
}

/** The evaluated terms that cost a DNS lookup (RFC 7208 §4.6.4: at most 10 per check, includes counted). */
export function lookupTerms(terms: readonly SpfTerm[]): number {
  return evaluatedTerms(terms).filter((t) =>
    ['include', 'a', 'mx', 'ptr', 'exists', 'redirect'].includes(t.kind),
  ).length;
}

/** `%{i}`, `%{d}`…: a target that depends on the sender, which no lookup without one can follow. */
export function hasSpfMacro(domain: string): boolean {
  return domain.includes('%');
}

/** A DNS tag list (`v=DMARC1; p=reject`): tags in order, names lower-cased, values trimmed. */
export function tagList(record: string, caseSensitive = false): Map<string, string> | undefined {
  const tags = new Map<string, string>();
  for (const part of record.split(';')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    const written = part.slice(0, eq).trim();
    const name = caseSensitive ? written : written.toLowerCase();
    if (!/^[a-z][a-z0-9_]*$/i.test(name) || tags.has(name)) return undefined;
    tags.set(name, part.slice(eq + 1).trim());
  }
  return tags;
}

export type DmarcPolicy = 'none' | 'quarantine' | 'reject';

export type DmarcRecord =
  | {
      readonly ok: true;
      readonly policy: DmarcPolicy;
      /** `sp=`: the policy for subdomains, when given. */
      readonly subdomainPolicy?: DmarcPolicy;
      readonly pct: number;
      readonly reports: boolean;
      /** No `p=`, but an `rua=`: receivers act as if it said `p=none` (RFC 7489 §6.6.3). */
      readonly policyImplied?: true;
    }
  | { readonly ok: false; readonly error: string };

/** The TXT strings that are DMARC records: `v=DMARC1` as the first tag. */
export function dmarcRecords(txt: readonly string[]): string[] {
  return txt.filter((t) => /^v\s*=\s*DMARC1\s*(;|$)/.test(t));
}

const POLICIES: readonly string[] = ['none', 'quarantine', 'reject'];

export function parseDmarc(record: string): DmarcRecord {
  const tags = tagList(record);
  if (!tags) return { ok: false, error: 'it is not a list of `tag=value` separated by `;`' };
  const reports = (tags.get('rua') ?? '') !== '';
  const p = tags.get('p')?.toLowerCase() ?? (reports ? 'none' : undefined);
  if (p === undefined) return { ok: false, error: 'it has no policy (`p=none`, `quarantine` or `reject`)' };
  if (!POLICIES.includes(p)) return { ok: false, error: `\`p=${p}\` is not none, quarantine or reject` };
  const sp = tags.get('sp')?.toLowerCase();
  if (sp !== undefined && !POLICIES.includes(sp))
    return { ok: false, error: `\`sp=${sp}\` is not none, quarantine or reject` };
  const pctText = tags.get('pct') ?? '100';
  if (!/^\d{1,3}$/.test(pctText) || Number(pctText) > 100)
    return { ok: false, error: `\`pct=${pctText}\` is not a percentage from 0 to 100` };
  return {
    ok: true,
    policy: p as DmarcPolicy,
    ...(sp !== undefined ? { subdomainPolicy: sp as DmarcPolicy } : {}),
    pct: Number(pctText),
    reports,
    ...(tags.has('p') ? {} : { policyImplied: true as const }),
  };
}

export type DkimKey =
  | { readonly ok: true; readonly keyType: 'rsa'; readonly bits: number }
  | { readonly ok: true; readonly keyType: 'ed25519' }
  | { readonly ok: false; readonly error: string; readonly revoked?: boolean };

/** A DKIM key record (`v=DKIM1; k=rsa; p=MIIB…`): its key type and size, or why verifiers reject it. */
export function parseDkim(record: string): DkimKey {
  // DKIM tag names are case-sensitive (RFC 6376 §3.2): `P=` is no key.
  const tags = tagList(record, true);
  if (!tags) return { ok: false, error: 'it is not a list of `tag=value` separated by `;`' };
  const version = tags.get('v');
  if (version !== undefined && (version !== 'DKIM1' || [...tags.keys()][0] !== 'v'))
    return { ok: false, error: `\`v=${version}\` must be \`v=DKIM1\`, the first tag` };
  const p = tags.get('p');
  if (p === undefined) return { ok: false, error: 'it has no public key (`p=`)' };
  const key = p.replace(/\s+/g, '');
  if (key === '') return { ok: false, error: 'its key is empty (`p=`), which means revoked', revoked: true };
  const hashes = tags
    .get('h')
    ?.toLowerCase()
    .split(':')
    .map((h) => h.trim());
  if (hashes && !hashes.includes('sha256'))
    return {
      ok: false,
      error: `\`h=${tags.get('h')}\` allows only hashes verifiers refuse (RFC 8301 requires sha256)`,
    };
  const k = (tags.get('k') ?? 'rsa').toLowerCase();
  if (k === 'ed25519') {
    const raw = Buffer.from(key, 'base64');
    return raw.length === 32
      ? { ok: true, keyType: 'ed25519' }
      : { ok: false, error: `its ed25519 key is ${raw.length} bytes, not 32` };
  }
  if (k !== 'rsa') return { ok: false, error: `\`k=${k}\` is not a key type verifiers know (rsa, ed25519)` };
  const bits = rsaBits(Buffer.from(key, 'base64'));
  return bits === undefined
    ? { ok: false, error: 'its key (`p=`) is not a base64 RSA public key' }
    : { ok: true, keyType: 'rsa', bits };
}

/** The modulus size of an RSA public key in DER: SubjectPublicKeyInfo, as published, or bare PKCS#1. */
function rsaBits(der: Buffer): number | undefined {
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      const key = createPublicKey({ key: der, format: 'der', type });
      if (key.asymmetricKeyType === 'rsa') return key.asymmetricKeyDetails?.modulusLength;
      return undefined;
    } catch {}
  }
  return undefined;
}
