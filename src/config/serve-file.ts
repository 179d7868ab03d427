import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { type Diagnostic, didYouMean, SpecCode } from '../compose/diagnostics.js';
import { decodeSource } from '../compose/load/source.js';
import { type Path, parseYaml } from '../compose/load/yaml.js';
import { parseEngineHost } from '../engine/model.js';
import { alertKeyRule, alertKnownKeys } from './alert-keys.js';
import { AlertSectionSchema } from './alert-settings.js';
import { BACKUP_KEYS, BackupSectionSchema, STORE_KEYS } from './backup-settings.js';
import {
  MAX_CONFIG_BYTES,
  SERVE_CONFIG_CODE,
  type ServeConfigFile,
  type ServeConfigProblem,
} from './serve-types.js';

// The YAML config file of `berth serve`: read, parse with positions, check every key.

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

const text = z.string().trim().min(1);
const pathValue = text.refine((p) => !/^~($|\/)/.test(p), {
  message: '`~` is not expanded in the config file',
  params: { hint: "write the full path, or a path relative to the config file's folder" },
});
const engineHost = text.refine((h) => {
  try {
    parseEngineHost(h);
    return true;
  } catch {
    return false;
  }
});

/** A host name as `Host` carries it (no port), `.name` for a domain and its subdomains, or `*` for any. */
export const ALLOWED_HOST_PATTERN =
  /^(?:\*|\.?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.?)$/i;
const allowedHost = text.refine((h) => ALLOWED_HOST_PATTERN.test(h));

const FileSchema = z
  .strictObject({
    host: text,
    port: z.number().int().min(0).max(65535),
    socket: pathValue,
    tls: z.strictObject({ cert: pathValue, key: pathValue }),
    workspace: pathValue,
    stateDir: pathValue,
    dockerHost: engineHost,
    shutdownGrace: z.number().min(0).max(3600),
    allowedHosts: z.array(allowedHost).max(100),
    backup: BackupSectionSchema,
    alerts: AlertSectionSchema,
  })
  .partial();
export type FileConfig = z.infer<typeof FileSchema>;

const TOP_KEYS = Object.keys(FileSchema.shape);
const TLS_KEYS = ['cert', 'key'];

/** The keys a mapping at `at` may hold, for "did you mean" hints. */
function knownKeysAt(at: Path): readonly string[] {
  if (at.length === 0) return TOP_KEYS;
  if (at[0] === 'tls') return TLS_KEYS;
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

interface FileProblem {
  readonly path: Path;
  readonly at: 'key' | 'value';
  readonly message: string;
  readonly hint: string;
}

function fileProblems(error: z.ZodError, input: unknown): FileProblem[] {
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

/** Hints of the shared YAML reader that speak of compose files, in the words of a serve config. */
function yamlProblem(file: string, d: Diagnostic): ServeConfigProblem {
  const base = { code: SERVE_CONFIG_CODE, file, line: d.line, column: d.column } as const;
  switch (d.code) {
    case SpecCode.YamlMultiDocument:
      return { ...base, message: d.message, hint: 'a serve config is one document: remove the `---`' };
    case SpecCode.YamlTooDeep:
      return {
        ...base,
        message: 'document is nested too deeply',
        hint: 'a serve config is a flat mapping of a few keys; check for runaway brackets or indentation',
      };
    case SpecCode.YamlAliasLimit:
      return { ...base, message: d.message, hint: 'a serve config needs no aliases; write the values out' };
    default:
      return d.severity === 'warning'
        ? { ...base, message: d.message, hint: 'a serve config takes no YAML tags: remove it' }
        : { ...base, message: d.message, hint: d.hint };
  }
}

export type FileResult = { ok: true; config: FileConfig } | { ok: false; errors: ServeConfigProblem[] };

export function checkFile(file: ServeConfigFile): FileResult {
  const parsed = parseYaml(file.path, file.text);
  const yamlErrors = parsed.diagnostics.map((d) => yamlProblem(file.path, d));
  if (!parsed.ok) return { ok: false, errors: yamlErrors };
  const { doc } = parsed;
  const located = (p: FileProblem): ServeConfigProblem => ({
    code: SERVE_CONFIG_CODE,
    file: file.path,
    ...doc.locate(p.path, p.at),
    message: p.message,
    hint: p.hint,
  });
  const tagged = [...doc.directives.reset, ...doc.directives.override].map((at) =>
    located({
      path: at,
      at: 'value',
      message: 'the `!reset` and `!override` tags are for compose files',
      hint: 'a serve config takes no YAML tags: remove it',
    }),
  );
  // An empty file (or only comments) is a valid config that sets nothing.
  const value = doc.value ?? {};
  const result = FileSchema.safeParse(value);
  const errors = [
    ...yamlErrors,
    ...tagged,
    ...(result.success ? [] : fileProblems(result.error, value).map(located)),
  ];
  if (errors.length > 0 || !result.success) {
    return { ok: false, errors: errors.sort((a, b) => a.line - b.line || a.column - b.column) };
  }
  return { ok: true, config: result.data };
}

// ---------------------------------------------------------------------------------------------
// Flags and environment

/** Reads the config file; a missing, unreadable, huge or binary file is a located problem. */
export function readServeConfigFile(
  path: string,
  cwd: string,
  via: '--config' | 'BERTH_CONFIG' = '--config',
): { ok: true; file: ServeConfigFile } | { ok: false; errors: ServeConfigProblem[] } {
  const fail = (
    message: string,
    hint: string,
    at = { line: 0, column: 0 },
  ): { ok: false; errors: ServeConfigProblem[] } => ({
    ok: false,
    errors: [{ code: SERVE_CONFIG_CODE, file: path, ...at, message, hint }],
  });
  const absolute = resolve(cwd, path);
  let bytes: Buffer;
  try {
    const info = statSync(absolute);
    if (!info.isFile()) {
      return fail(
        info.isDirectory()
          ? 'the config file is a folder, not a file'
          : 'the config file is not a regular file',
        `give the path of a YAML file with ${via}`,
      );
    }
    if (info.size > MAX_CONFIG_BYTES) {
      return fail(
        `the config file is ${info.size} bytes, over the limit of ${MAX_CONFIG_BYTES}`,
        'a serve config is a few lines of YAML; check that this is the file you meant',
      );
    }
    bytes = readFileSync(absolute);
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      return fail(
        `the config file does not exist (${absolute})`,
        `check the path given with ${via}; a relative path is relative to the current folder`,
      );
    }
    return fail(
      `cannot read the config file (${code})`,
      code === 'EACCES'
        ? 'check its permissions: the user running `berth serve` must be able to read it'
        : `check the path given with ${via}`,
    );
  }
  const decoded = decodeSource(path, bytes, { maxBytes: MAX_CONFIG_BYTES });
  if (!decoded.ok) {
    const d = decoded.diagnostic;
    return fail(
      d.message,
      'a serve config is a UTF-8 YAML text file; check that this is the file you meant',
      {
        line: d.line,
        column: d.column,
      },
    );
  }
  return { ok: true, file: { path, text: decoded.text } };
}
