import type { AlertSettings } from './alert-resolve.js';
import type { BackupSettings } from './backup-settings.js';
/*
 * The settings of `berth serve` and the problems a configuration can have: shared by the file
 * reader (serve-config-file.ts) and the merge (serve-config.ts).
 */

export const SERVE_CONFIG_CODE = 'SERVE_CONFIG_INVALID';

/** The options of `berth serve` as commander gives them: strings, absent when not given. */
export interface ServeFlags {
  readonly host?: string;
  readonly port?: string;
  readonly socket?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly shutdownGrace?: string;
  readonly config?: string;
  /** The global `-w, --workspace`. */
  readonly workspace?: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Where a setting came from. */
export type SettingSource = 'flag' | 'env' | 'file' | 'default';

export type SettingName =
  | 'host'
  | 'port'
  | 'socket'
  | 'tls'
  | 'workspace'
  | 'stateDir'
  | 'dockerHost'
  | 'shutdownGrace';

export interface ServeSettings {
  readonly host: string;
  readonly port: number;
  /** Absolute. */
  readonly socketPath?: string;
  /** Absolute paths. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Absolute. */
  readonly workspace: string;
  /** Absolute. */
  readonly stateDir: string;
  readonly dockerHost?: string;
  /** Where `docker login` keeps registry credentials (DOCKER_CONFIG, else ~/.docker), absolute. */
  readonly dockerConfigDir: string;
  readonly shutdownGraceMs: number;
  /**
   * Host names TCP requests may be addressed to beyond localhost and IP addresses (`allowedHosts` in the
   * file, BERTH_ALLOWED_HOSTS comma-separated); absent: none.
   */
  readonly allowedHosts?: readonly string[];
  /**
   * How many event and log streams may be open at once (`streams:` in the file): per user and on the
   * whole server; absent: the server's defaults (10 and 500).
   */
  readonly streams?: { readonly perUser: number; readonly total: number };
  /** Open TCP connections one client address may hold (`connections.perAddress`); absent: 64. */
  readonly connectionsPerAddress?: number;
  /** The config file read, absolute; absent without one. */
  readonly configFile?: string;
  /** Backup stores and encryption (`backup:` in the config file); absent: backups are off. */
  readonly backup?: BackupSettings;
  /** Alert channels and rules (`alerts:` in the config file); absent: nothing is sent. */
  readonly alerts?: AlertSettings;
  readonly sources: Readonly<Record<SettingName, SettingSource>>;
}

/** One problem. `file` is absent for flags and variables; line 0 means the file as a whole. */
export interface ServeConfigProblem {
  readonly code: typeof SERVE_CONFIG_CODE;
  readonly file?: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  /** What to do; empty when the message says it all. */
  readonly hint: string;
}

export type ServeConfigResult =
  | { readonly ok: true; readonly settings: ServeSettings }
  | { readonly ok: false; readonly errors: readonly ServeConfigProblem[] };

/** The config file's text, with its path as the user gave it (relative to `cwd` or absolute). */
export interface ServeConfigFile {
  readonly path: string;
  readonly text: string;
}

export interface ServeConfigInput {
  readonly flags: ServeFlags;
  readonly env: Env;
  readonly cwd: string;
  readonly file?: ServeConfigFile;
  /**
   * Looks at the workspace given (flag, variable or file) and refuses one that is not there. Without
   * it (tests of the merge alone) the path is not looked at.
   */
  readonly probe?: PathProbe;
}

/** What is at a path: `found`, `missing`, or the error code that kept it from being looked at. */
export type PathProbe = (path: string) => 'found' | 'missing' | { readonly error: string };

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 7300;
export const DEFAULT_SHUTDOWN_GRACE_S = 30;
/** The stream limits a `streams:` section fills in for what it leaves out (the server's defaults). */
export const DEFAULT_STREAMS = { perUser: 10, total: 500 } as const;
/** A serve config is a dozen lines; anything this large is the wrong file. */
export const MAX_CONFIG_BYTES = 64 * 1024;

/** `file:line:col: error CODE: message` and an indented hint, as the other serve errors print. */
export function formatServeConfigProblem(p: ServeConfigProblem): string {
  const where = p.file === undefined ? '' : p.line > 0 ? `${p.file}:${p.line}:${p.column}: ` : `${p.file}: `;
  const hint = p.hint ? `\n  hint: ${p.hint}` : '';
  return `${where}error ${p.code}: ${p.message}${hint}\n`;
}

// ---------------------------------------------------------------------------------------------
// The file
