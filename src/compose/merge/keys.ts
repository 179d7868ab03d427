import { isMapping, isScalar, stableKey } from './util.js';

/*
 * Identity of sequence entries, for the sequences the compose spec treats as sets of unique resources.
 * Short and long syntax of the same resource must get the same key, so short strings are parsed just far
 * enough to find the fields that make up the key. Entries that cannot be keyed fall back to their canonical
 * text: identical entries still collapse, and nothing throws.
 */

/** Exact identity: `80` and `'80'` are the same entry; mappings compare by content. */
export function exactKey(entry: unknown): string {
  return isScalar(entry) ? String(entry) : stableKey(entry);
}

/** `KEY=VALUE` and `KEY` entries of list-form mappings (environment, labels, args...) are keyed by KEY. */
export function keyValueKey(entry: unknown): string {
  if (typeof entry !== 'string') return exactKey(entry);
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
}

/** extra_hosts entries: `host=ip` (preferred) or the older `host:ip`; IPv6 addresses may contain colons. */
export function splitHostEntry(entry: string): { host: string; ip: string | null } {
  const eq = entry.indexOf('=');
  const sep = eq >= 0 ? eq : entry.indexOf(':');
  return sep < 0 ? { host: entry, ip: null } : { host: entry.slice(0, sep), ip: entry.slice(sep + 1) };
}

export function hostKey(entry: unknown): string {
  return typeof entry === 'string' ? splitHostEntry(entry).host : exactKey(entry);
}

/**
 * Ports are unique by (host_ip, published, target, protocol), as compose-go's port indexer: `mode`,
 * `name` and `app_protocol` are not part of the identity, so an override entry differing only there
 * replaces the base entry. A missing host_ip is 0.0.0.0 and a missing protocol is tcp.
 */
export function portKey(entry: unknown): string {
  if (typeof entry === 'number' || typeof entry === 'bigint') return formatPortKey('', '', String(entry), '');
  if (typeof entry === 'string') return shortPortKey(entry);
  if (isMapping(entry) && isScalar(entry.target)) {
    return formatPortKey(
      isScalar(entry.host_ip) ? String(entry.host_ip) : '',
      isScalar(entry.published) ? String(entry.published) : '',
      String(entry.target),
      isScalar(entry.protocol) ? String(entry.protocol) : '',
    );
  }
  return stableKey(entry);
}

/** `[[IP:]PUBLISHED:]TARGET[/PROTOCOL]`, where IP may be a bracketed or bare IPv6 address. */
function shortPortKey(spec: string): string {
  const slash = spec.lastIndexOf('/');
  const protocol = slash < 0 ? '' : spec.slice(slash + 1);
  const parts = (slash < 0 ? spec : spec.slice(0, slash)).split(':');
  const target = parts[parts.length - 1] ?? '';
  const published = parts.length >= 2 ? (parts[parts.length - 2] ?? '') : '';
  const ip = parts.length >= 3 ? parts.slice(0, parts.length - 2).join(':') : '';
  return formatPortKey(ip, published, target, protocol);
}

function formatPortKey(ip: string, published: string, target: string, protocol: string): string {
  const host = ip.replace(/^\[(.*)\]$/, '$1') || '0.0.0.0';
  return `${host}|${published}|${target}|${(protocol || 'tcp').toLowerCase()}`;
}

/** Service volumes are unique by container path, whatever the syntax. */
export function volumeKey(entry: unknown): string {
  if (typeof entry === 'string') return `target:${normaliseTarget(shortVolumeTarget(entry))}`;
  if (isMapping(entry) && typeof entry.target === 'string') return `target:${normaliseTarget(entry.target)}`;
  return stableKey(entry);
}

/**
 * `TARGET`, `SOURCE:TARGET` or `SOURCE:TARGET:MODE`. A Windows drive letter (`C:\data`, `c:/data`) is part of
 * the path, not a separator. Like compose-go, a two-part spec is always SOURCE:TARGET.
 */
export function shortVolumeTarget(spec: string): string {
  const raw = spec.split(':');
  const parts: string[] = [];
  for (let i = 0; i < raw.length; i++) {
    const part = raw[i] ?? '';
    const next = raw[i + 1];
    if (/^[A-Za-z]$/.test(part) && next !== undefined && /^[\\/]/.test(next)) {
      parts.push(`${part}:${next}`);
      i++;
    } else {
      parts.push(part);
    }
  }
  return (parts.length === 1 ? parts[0] : parts[1]) ?? '';
}

function normaliseTarget(target: string): string {
  return target.length > 1 ? target.replace(/[\\/]+$/, '') || target : target;
}

/** Devices are unique by container path: `HOST[:CONTAINER[:PERMISSIONS]]` or `{source, target}`. */
export function deviceKey(entry: unknown): string {
  if (typeof entry === 'string') {
    const parts = entry.split(':');
    return `target:${parts.length >= 2 ? parts[1] : parts[0]}`;
  }
  if (isMapping(entry)) {
    if (typeof entry.target === 'string') return `target:${entry.target}`;
    if (typeof entry.source === 'string') return `target:${entry.source}`;
  }
  return stableKey(entry);
}

/**
 * Secrets and configs are unique by their path in the container. Short form `name` and a long form without
 * target mount at `<dir>/<source>`; a relative target is relative to that directory.
 */
export function mountKey(dir: string): (entry: unknown) => string {
  const inDir = (name: string): string => (name.startsWith('/') ? name : `${dir}/${name}`);
  return (entry) => {
    if (typeof entry === 'string') return `target:${inDir(entry)}`;
    if (isMapping(entry)) {
      if (typeof entry.target === 'string' && entry.target !== '') return `target:${inDir(entry.target)}`;
      if (typeof entry.source === 'string') return `target:${inDir(entry.source)}`;
    }
    return stableKey(entry);
  };
}

/** env_file / label_file entries are unique by path: `path` or `{path, required, format}`. */
export function fileKey(entry: unknown): string {
  if (typeof entry === 'string') return `path:${entry.replace(/^\.\//, '')}`;
  if (isMapping(entry) && typeof entry.path === 'string') return `path:${entry.path.replace(/^\.\//, '')}`;
  return stableKey(entry);
}

/** `expose: [80, '80/tcp']` are the same port: tcp is the default protocol. */
export function exposeKey(entry: unknown): string {
  if (!isScalar(entry)) return stableKey(entry);
  const text = String(entry).toLowerCase();
  return text.includes('/') ? text : `${text}/tcp`;
}

/** tmpfs entries (`/run` or `/run:size=64m`) are unique by mount path: two mounts on one path cannot coexist. */
export function tmpfsKey(entry: unknown): string {
  if (typeof entry !== 'string') return exactKey(entry);
  const colon = entry.indexOf(':');
  return colon < 0 ? entry : entry.slice(0, colon);
}

/** Entries of mappings keyed by one of their fields (ipam.config by subnet, blkio_config lists by path). */
export function fieldKey(field: string): (entry: unknown) => string {
  return (entry) =>
    isMapping(entry) && isScalar(entry[field]) ? `${field}:${String(entry[field])}` : stableKey(entry);
}
