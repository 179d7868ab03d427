import type { z } from 'zod';
import { didYouMean } from '../compose/diagnostics.js';
import type { Path } from '../compose/load/yaml.js';
import { alertKeyRule, alertKnownKeys } from './alert-keys.js';
import { BACKUP_KEYS, STORE_KEYS } from './backup-settings.js';
import { FileSchema } from './serve-file-schema.js';

// What is wrong with a serve config file, key by key: what was expected and how to write it.

const pathKeyHint = (example: string) =>
  `e.g. \`${example}\`; a relative path is relative to the config file's folder`;

/** What each key of the file takes, for messages that say what was expected and how to write it. */
const KEYS: Record<string, { readonly expect: string; readonly hint: string }> = {
  host: {
    expect: 'a host name or IP address to listen on',
    hint: 'e.g. `host: 127.0.0.1` (this machine only) or `host: 0.0.0.0` (every interface)',
  },
  port: { expect: 'an integer from 0 to 65535', hint: 'e.g. `port: 7300`; 0 picks a free port' },
  socket: { expect: 'the path of a unix socket', hint: pathKeyHint('socket: /run/berth/berth.sock') },
  tls: {
    expect: 'a mapping with `cert` and `key`',
    hint: 'write `tls:` with `cert: FILE` and `key: FILE` indented below it',
  },
  'tls.cert': { expect: 'the path of a PEM certificate file', hint: pathKeyHint('cert: tls/cert.pem') },
  'tls.key': { expect: 'the path of a PEM private key file', hint: pathKeyHint('key: tls/key.pem') },
  workspace: { expect: 'the path of the workspace folder', hint: pathKeyHint('workspace: /srv/stacks') },
  stateDir: { expect: 'the path of the state folder', hint: pathKeyHint('stateDir: /var/lib/berth') },
  dockerHost: {
    expect: 'a Docker engine address',
    hint: 'use unix:///path/to/docker.sock or tcp://host:port (TLS and ssh:// are not supported)',
  },
  shutdownGrace: {
    expect: 'a number of seconds from 0 to 3600',
    hint: 'e.g. `shutdownGrace: 60`',
  },
  allowedHosts: {
    expect: 'a list of host names that requests may be addressed to',
    hint: 'e.g. `allowedHosts: [berth.example.com]`; `.example.com` also allows its subdomains; localhost and IP addresses are always allowed',
  },
  streams: {
    expect: 'a mapping with `perUser` and `total`',
    hint: 'e.g. `streams: { perUser: 20, total: 500 }` (defaults 10 and 500)',
  },
  'streams.perUser': {
    expect: 'a whole number of streams from 1 to 1000',
    hint: 'e.g. `perUser: 20`: the event and log streams one user may keep open at once (default 10)',
  },
  'streams.total': {
    expect: 'a whole number of streams from 1 to 100000',
    hint: 'e.g. `total: 500`: the streams the whole server keeps open at once (default 500)',
  },
  connections: {
    expect: 'a mapping with `perAddress`',
    hint: 'e.g. `connections: { perAddress: 32 }` (default 64)',
  },
  'connections.perAddress': {
    expect: 'a whole number of connections from 1 to 512',
    hint: 'e.g. `perAddress: 32`: the TCP connections one client address (an IPv6 /64) may hold open at once (default 64)',
  },
  backup: {
    expect: 'a mapping with `stores`, `recipients` and `identity`',
    hint: 'see "Backups" in the README: stores (where), recipients (age public keys), identity (the key file)',
  },
  'backup.recipients': {
    expect: 'a list of age recipients (public keys starting with age1)',
    hint: 'e.g. `recipients: [age1…]`; `age-keygen` prints one',
  },
  'backup.identity': {
    expect: 'the path of an age identity file',
    hint: pathKeyHint('identity: /etc/berth/backup.key'),
  },
};

const TOP_KEYS = Object.keys(FileSchema.shape);
const TLS_KEYS = ['cert', 'key'];
const STREAMS_KEYS = ['perUser', 'total'];
const CONNECTIONS_KEYS = ['perAddress'];

/** The keys a mapping at `at` may hold, for "did you mean" hints. */
function knownKeysAt(at: Path): readonly string[] {
  if (at.length === 0) return TOP_KEYS;
  if (at[0] === 'tls') return TLS_KEYS;
  if (at[0] === 'streams') return STREAMS_KEYS;
  if (at[0] === 'connections') return CONNECTIONS_KEYS;
  if (at[0] === 'backup' && at.length === 1) return BACKUP_KEYS;
  if (at[0] === 'backup' && at[1] === 'stores' && at.length === 3) return STORE_KEYS;
  if (at[0] === 'alerts') return alertKnownKeys(at);
  return [];
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

function valueAt(input: unknown, at: Path): unknown {
  let current = input;
  for (const segment of at) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

const squash = (key: string) => key.toLowerCase().replace(/[-_.\s]/g, '');

function isOneSwap(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  const diff = [...a].flatMap((ch, i) => (ch === b[i] ? [] : [i]));
  const [i, j] = diff;
  return diff.length === 2 && i !== undefined && j === i + 1 && a[i] === b[j] && a[j] === b[i];
}

/** "did you mean" for a key that is not known: same key in another case or spelling, or a typo. */
function unknownKeyHint(key: string, known: readonly string[], where: Path): string {
  const same = known.find((k) => squash(k) === squash(key));
  // Letters swapped (`prot`): one edit for a person, two for Levenshtein.
  const swapped = known.find((k) => isOneSwap(squash(k), squash(key)));
  if (same !== undefined || swapped !== undefined) return `did you mean \`${same ?? swapped}\`?`;
  if (where.length === 0 && ['tlscert', 'tlskey', 'cert', 'key', 'certfile', 'keyfile'].includes(squash(key)))
    return 'the TLS files go under `tls:` as `cert:` and `key:`';
  return didYouMean(key, known) || `allowed keys: ${known.join(', ')}`;
}

export interface FileProblem {
  readonly path: Path;
  readonly at: 'key' | 'value';
  readonly message: string;
  readonly hint: string;
}

export function fileProblems(error: z.ZodError, input: unknown): FileProblem[] {
  const problems: FileProblem[] = [];
  const seen = new Set<string>();
  for (const issue of error.issues) {
    const at = issue.path as (string | number)[];
    const name = at.join('.');
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(at);
      for (const key of issue.keys) {
        problems.push({
          path: [...at, key],
          at: 'key',
          message: `unknown key \`${key}\`${at.length === 0 ? '' : ` in ${name}`}`,
          hint: unknownKeyHint(key, known, at),
        });
      }
      continue;
    }
    if (seen.has(name)) continue;
    seen.add(name);
    const value = valueAt(input, at);
    const rule =
      KEYS[name] ??
      (at[0] === 'alerts' ? alertKeyRule(at) : at[0] === 'allowedHosts' ? KEYS.allowedHosts : undefined);
    if (at.length === 0) {
      problems.push({
        path: at,
        at: 'value',
        message: `the config file must be a mapping of settings, got ${describe(value)}`,
        hint: `write one \`key: value\` per line, e.g. \`port: 7300\`; keys: ${TOP_KEYS.join(', ')}`,
      });
    } else if (value === undefined && at[0] === 'tls') {
      const key = String(at[1]);
      problems.push({
        path: at,
        at: 'key',
        message: `tls.${key} is missing: tls needs both \`cert\` and \`key\``,
        hint: `add \`${key}: FILE\` under \`tls:\`, or remove \`tls:\` to serve plain HTTP`,
      });
    } else if (issue.code === 'custom' && typeof issue.params?.hint === 'string') {
      const params = issue.params as { hint: string; secret?: boolean };
      problems.push({
        path: at,
        at: 'value',
        message: `${name}: ${issue.message}${params.secret ? '' : `, got ${describe(value)}`}`,
        hint: params.hint,
      });
    } else {
      const quotedNumber = typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value);
      problems.push({
        path: at,
        at: 'value',
        message: `${name} must be ${rule?.expect ?? 'something else'}, got ${describe(value)}`,
        hint:
          quotedNumber && (name === 'port' || name === 'shutdownGrace')
            ? `write the number without quotes: \`${name}: ${String(value).trim()}\``
            : value === null
              ? `${rule?.hint ?? ''}; or remove the key to use the default`
              : (rule?.hint ?? ''),
      });
    }
  }
  return problems;
}
