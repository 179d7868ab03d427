import { RegistryError } from './registry-errors.js';

/*
 * Pure: which registry an image reference pulls from, and what a parsed docker config.json says
 * about it, the way the docker CLI reads it (cli/config/configfile, cli/config/credentials), so an
 * operator's `docker login` works for Berth. The imperative side is registry-credentials.ts.
 */

/** The host Berth names Docker Hub by. */
export const DOCKER_HUB = 'docker.io';
/** Docker Hub's key in `auths` and the server address its credential helpers are asked for. */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';
/** Spellings of Docker Hub a hand-written key may use (the docker CLI itself only reads DOCKER_HUB_SERVER). */
const HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** The credentials of one registry, in the Engine API's X-Registry-Auth shape. */
export interface RegistryCredentials {
  readonly serveraddress: string;
  readonly username?: string;
  readonly password?: string;
  readonly identitytoken?: string;
}

export type CredentialsLookup =
  | { kind: 'credentials'; credentials: RegistryCredentials }
  | { kind: 'helper'; helper: string }
  | { kind: 'none' };

/**
 * The registry a reference pulls from: 'docker.io' for Docker Hub refs ('nginx', 'library/nginx',
 * 'user/app:1', 'docker.io/x/y', 'index.docker.io/x'), else the host[:port] part ('ghcr.io/a/b:1',
 * 'localhost:5000/x', '127.0.0.1:5000/x@sha256:...'). Docker's rule: the first path component is a
 * host only if it contains '.' or ':' or is 'localhost' (or has an upper-case letter, which a
 * repository path cannot).
 */
export function registryHost(reference: string): string {
  const ref = reference.trim();
  const slash = ref.indexOf('/');
  if (ref === '' || slash === 0) {
    throw new RegistryError(
      'REGISTRY_REFERENCE_INVALID',
      `image reference ${JSON.stringify(reference)} names no image: there is no registry to look credentials up for`,
      'give an image reference such as nginx:1.27, user/app:1 or ghcr.io/owner/app:1',
    );
  }
  if (slash === -1) return DOCKER_HUB;
  const first = ref.slice(0, slash);
  const isHost =
    first.includes('.') || first.includes(':') || first === 'localhost' || first !== first.toLowerCase();
  if (!isHost || first === 'index.docker.io') return DOCKER_HUB;
  return first;
}

/** The address the docker CLI asks a credential helper for: Hub's v1 URL, else the host itself. */
export function serverAddressFor(host: string): string {
  return host === DOCKER_HUB ? DOCKER_HUB_SERVER : host;
}

/**
 * The host[:port] of an `auths` / `credHelpers` key, as the docker CLI's ConvertToHostname reads it:
 * 'https://host:5000/v1/' → 'host:5000', 'host/path' → 'host'.
 */
export function keyHostname(key: string): string {
  const scheme = key.indexOf('://');
  if (scheme !== -1) {
    const authority = key.slice(scheme + 3).split(/[/?#]/)[0] ?? '';
    const hostPort = authority.slice(authority.lastIndexOf('@') + 1).replace(/:$/, '');
    if (hostPort !== '' && !hostPort.startsWith(':')) return hostPort;
  }
  return key.split('/')[0] ?? '';
}

/** Whether a key names the host: spelled exactly as the docker CLI asks for it, or any URL of it. */
function keyMatches(key: string, host: string): boolean {
  const name = keyHostname(key).toLowerCase();
  return host === DOCKER_HUB ? HUB_HOSTS.has(name) : name === host.toLowerCase();
}

/** The key of `map` for the host: the docker CLI's exact key first, then the first other spelling. */
function findKey(map: Readonly<Record<string, unknown>>, host: string): string | undefined {
  const exact = serverAddressFor(host);
  if (Object.hasOwn(map, exact)) return exact;
  return Object.keys(map).find((key) => keyMatches(key, host));
}

type JsonObject = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A field as Go's encoding/json finds it: the exact name, else the first case-insensitive match. */
function field(object: JsonObject, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : object[key];
}

function unreadable(file: string, what: string): RegistryError {
  return new RegistryError(
    'REGISTRY_CONFIG_UNREADABLE',
    `${file}: ${what}; no registry credentials can be read from it`,
    `fix ${file} (docker writes it on \`docker login\`), or move it away and run \`docker login\` again`,
  );
}

/** The `auths`, `credHelpers` and `credsStore` of a config, each checked against the shape docker writes. */
function sections(config: unknown, file: string) {
  if (config === undefined || config === null) return { auths: {}, helpers: {}, store: '' };
  if (!isObject(config)) throw unreadable(file, 'is not a JSON object');
  const auths = field(config, 'auths') ?? {};
  if (!isObject(auths)) throw unreadable(file, '"auths" is not an object');
  const helpers = field(config, 'credHelpers') ?? {};
  if (!isObject(helpers)) throw unreadable(file, '"credHelpers" is not an object');
  const store = field(config, 'credsStore') ?? '';
  if (typeof store !== 'string') throw unreadable(file, '"credsStore" is not a string');
  return { auths, helpers, store };
}

/** A helper suffix that is a program name, never a path: `docker-credential-<it>` is looked up on PATH. */
const HELPER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function helperName(value: unknown, where: string, file: string): string {
  if (typeof value !== 'string') throw unreadable(file, `${where} is not a string`);
  if (!HELPER_NAME.test(value)) {
    throw unreadable(
      file,
      `${where} is ${JSON.stringify(value)}, not the suffix of a docker-credential-* program`,
    );
  }
  return value;
}

/**
 * What a parsed docker config.json says for a host: credentials from `auths` (base64 "user:pass" in
 * `auth`, or username/password fields, `identitytoken`), or which helper to ask (`credHelpers[host]`,
 * else `credsStore`; either wins over `auths`, as in the docker CLI), or nothing. Malformed entries
 * are an error naming the key and file, never silently anonymous.
 */
export function lookupCredentials(config: unknown, host: string, file: string): CredentialsLookup {
  const { auths, helpers, store } = sections(config, file);
  const helperKey = findKey(helpers, host);
  // As in the docker CLI, a credHelpers entry wins over credsStore, and an empty one ("") means
  // "this registry's credentials are in auths" even when a credsStore is set.
  const helper = helperKey === undefined ? store : helpers[helperKey];
  const where = helperKey === undefined ? '"credsStore"' : `credHelpers[${JSON.stringify(helperKey)}]`;
  if (helper !== '') return { kind: 'helper', helper: helperName(helper, where, file) };
  const authKey = findKey(auths, host);
  if (authKey === undefined) return { kind: 'none' };
  const credentials = authEntry(auths[authKey], authKey, host, file);
  return credentials === undefined ? { kind: 'none' } : { kind: 'credentials', credentials };
}

function invalidEntry(key: string, host: string, file: string, what: string): RegistryError {
  const login = host === DOCKER_HUB ? 'docker login' : `docker login ${host}`;
  return new RegistryError(
    'REGISTRY_CREDENTIALS_INVALID',
    `${file}: the credentials of auths[${JSON.stringify(key)}] ${what}; Berth will not pull ${host} anonymously instead`,
    `run \`${login}\` again, or fix or remove auths[${JSON.stringify(key)}] in ${file}`,
  );
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function authEntry(entry: unknown, key: string, host: string, file: string): RegistryCredentials | undefined {
  if (!isObject(entry)) throw invalidEntry(key, host, file, 'are not an object');
  const text = (name: string): string => {
    const value = field(entry, name) ?? '';
    if (typeof value !== 'string')
      throw invalidEntry(key, host, file, `have a "${name}" that is not a string`);
    return value;
  };
  let username = text('username');
  let password = text('password');
  const identitytoken = text('identitytoken');
  const auth = text('auth');
  if (auth !== '') {
    // Go's base64 decoder skips line breaks; anything else outside the alphabet is an error.
    const compact = auth.replace(/[\r\n]/g, '');
    if (!BASE64.test(compact)) throw invalidEntry(key, host, file, 'have an "auth" that is not valid base64');
    const decoded = Buffer.from(compact, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1)
      throw invalidEntry(key, host, file, 'have an "auth" that is not base64 of "user:password"');
    if (colon === 0) throw invalidEntry(key, host, file, 'have an "auth" with an empty user name');
    username = decoded.slice(0, colon);
    password = decoded.slice(colon + 1).replace(/^\0+|\0+$/g, '');
  }
  if (username === '' && password === '' && identitytoken === '') return undefined;
  return {
    serveraddress: key,
    ...(username === '' ? {} : { username }),
    ...(password === '' ? {} : { password }),
    ...(identitytoken === '' ? {} : { identitytoken }),
  };
}

/** Docker's credential helpers say this (exit 1) when they hold nothing for the server. */
export function isCredentialsNotFound(stdout: string, stderr: string): boolean {
  return /credentials not found/i.test(stdout) || /credentials not found/i.test(stderr);
}

/**
 * A helper's answer to `get`: {ServerURL, Username, Secret}; Username '<token>' means Secret is an
 * identity token. No user and no secret is no credentials. The answer is never quoted in an error.
 */
export function parseHelperAnswer(
  stdout: string,
  helper: string,
  serverAddress: string,
): RegistryCredentials | undefined {
  const program = `docker-credential-${helper}`;
  const fail = (what: string) =>
    new RegistryError(
      'REGISTRY_HELPER_FAILED',
      `${program} get for ${serverAddress} answered ${what}, not its {ServerURL, Username, Secret}`,
      `run \`echo ${serverAddress} | ${program} get\` as the user Berth runs as to see its answer; update or reinstall ${program}`,
    );
  let answer: unknown;
  try {
    answer = JSON.parse(stdout);
  } catch {
    throw fail('something that is not JSON');
  }
  if (!isObject(answer)) throw fail('JSON that is not an object');
  const text = (name: string): string => {
    const value = field(answer, name) ?? '';
    if (typeof value !== 'string') throw fail(`a ${name} that is not a string`);
    return value;
  };
  const username = text('Username');
  const secret = text('Secret');
  if (secret === '' && (username === '' || username === '<token>')) return undefined;
  if (username === '<token>') return { serveraddress: serverAddress, identitytoken: secret };
  return {
    serveraddress: serverAddress,
    ...(username === '' ? {} : { username }),
    ...(secret === '' ? {} : { password: secret }),
  };
}
