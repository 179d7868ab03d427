import { dirname, resolve } from 'node:path';
import type { Position } from '../compose/diagnostics.js';
import { resolveAlertSection } from './alert-resolve.js';
import { resolveBackupSection } from './backup-settings.js';
import { cliConfig, dockerConfigDirOf } from './cli.js';
import { checkFile, readServeConfigFile } from './serve-file.js';
import { ALLOWED_HOST_PATTERN, type FileConfig } from './serve-file-schema.js';
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_SHUTDOWN_GRACE_S,
  DEFAULT_STREAMS,
  type Env,
  SERVE_CONFIG_CODE,
  type ServeConfigInput,
  type ServeConfigProblem,
  type ServeConfigResult,
  type ServeFlags,
  type ServeSettings,
  type SettingName,
  type SettingSource,
} from './serve-types.js';
import { probePath, workspaceProblem } from './serve-workspace.js';

export { readServeConfigFile } from './serve-file.js';
export {
  DEFAULT_HOST,
  DEFAULT_PORT,
  DEFAULT_SHUTDOWN_GRACE_S,
  DEFAULT_STREAMS,
  type Env,
  formatServeConfigProblem,
  MAX_CONFIG_BYTES,
  SERVE_CONFIG_CODE,
  type ServeConfigFile,
  type ServeConfigInput,
  type ServeConfigProblem,
  type ServeConfigResult,
  type ServeFlags,
  type ServeSettings,
  type SettingName,
  type SettingSource,
} from './serve-types.js';

/*
 * The settings of `berth serve`, from flags, the environment and a YAML file (`--config` or
 * BERTH_CONFIG), in that order of precedence, then the defaults. Everything is checked before the
 * server opens anything; every problem is reported at once, located in the file when it is there.
 */

/** An empty value counts as not given, as shells leave `BERTH_PORT=` in the environment. */
const given = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value;

type Picked<T> = { value: T; source: SettingSource } | undefined;

function pick<T>(flag: string | undefined, env: string | undefined, file: T | undefined): Picked<string | T> {
  if (given(flag) !== undefined) return { value: flag as string, source: 'flag' };
  if (given(env) !== undefined) return { value: env as string, source: 'env' };
  if (file !== undefined) return { value: file, source: 'file' };
  return undefined;
}

function problem(message: string, hint: string): ServeConfigProblem {
  return { code: SERVE_CONFIG_CODE, line: 0, column: 0, message, hint };
}

/** Where the config file is, as given (`--config`, then BERTH_CONFIG); undefined: none. */
export function configFileOf(
  flags: ServeFlags,
  env: Env,
): { path: string; via: '--config' | 'BERTH_CONFIG' } | undefined {
  const flag = given(flags.config);
  if (flag !== undefined) return { path: flag, via: '--config' };
  const fromEnv = given(env.BERTH_CONFIG);
  return fromEnv === undefined ? undefined : { path: fromEnv, via: 'BERTH_CONFIG' };
}

/**
 * Merges flags > environment > file > defaults and checks every value. Pure: the file comes as
 * text; relative paths of flags and variables resolve against `cwd`, those of the file against
 * the file's folder.
 */
export function resolveServeConfig(input: ServeConfigInput): ServeConfigResult {
  const { flags, env, cwd } = input;
  const errors: ServeConfigProblem[] = [];
  let file: FileConfig = {};
  let fileDir = cwd;
  let configFile: string | undefined;
  let locate: ((key: string) => Position) | undefined;
  if (input.file) {
    configFile = resolve(cwd, input.file.path);
    fileDir = dirname(configFile);
    const checked = checkFile(input.file);
    if (checked.ok) ({ config: file, locate } = checked);
    else errors.push(...checked.errors);
  }
  const from = (source: SettingSource) => (source === 'file' ? fileDir : cwd);
  const sources: Record<SettingName, SettingSource> = {
    host: 'default',
    port: 'default',
    socket: 'default',
    tls: 'default',
    workspace: 'default',
    stateDir: 'default',
    dockerHost: 'default',
    shutdownGrace: 'default',
  };

  let host = DEFAULT_HOST;
  const hostPick = pick(flags.host, env.BERTH_HOST, file.host);
  if (hostPick) {
    host = String(hostPick.value).trim();
    sources.host = hostPick.source;
  }

  let port = DEFAULT_PORT;
  const portPick = pick(flags.port, env.BERTH_PORT, file.port);
  if (portPick) {
    sources.port = portPick.source;
    if (typeof portPick.value === 'number') port = portPick.value;
    else {
      const raw = portPick.value.trim();
      port = /^\d{1,5}$/.test(raw) ? Number(raw) : Number.NaN;
      if (!(port <= 65535)) {
        const what = portPick.source === 'flag' ? `--port ${portPick.value}` : `BERTH_PORT=${portPick.value}`;
        errors.push(problem(`${what} is not a TCP port`, 'use a port from 1 to 65535 (0 picks a free one)'));
      }
    }
  }

  let socketPath: string | undefined;
  const socketPick = pick(flags.socket, env.BERTH_SOCKET, file.socket);
  if (socketPick) {
    socketPath = resolve(from(socketPick.source), socketPick.value);
    sources.socket = socketPick.source;
  }

  let tls: ServeSettings['tls'];
  const cert = given(flags.tlsCert);
  const key = given(flags.tlsKey);
  if ((cert === undefined) !== (key === undefined)) {
    errors.push(problem('--tls-cert and --tls-key go together', ''));
  } else if (cert !== undefined && key !== undefined) {
    tls = { certFile: resolve(cwd, cert), keyFile: resolve(cwd, key) };
    sources.tls = 'flag';
  } else if (file.tls) {
    tls = { certFile: resolve(fileDir, file.tls.cert), keyFile: resolve(fileDir, file.tls.key) };
    sources.tls = 'file';
  }

  let workspace = cwd;
  const workspacePick = pick(flags.workspace, env.BERTH_WORKSPACE, file.workspace);
  if (workspacePick) {
    workspace = resolve(from(workspacePick.source), workspacePick.value);
    sources.workspace = workspacePick.source;
    const at = input.file && locate ? { path: input.file.path, at: locate('workspace') } : undefined;
    const missing = input.probe
      ? workspaceProblem({ ...workspacePick, path: workspace }, input.probe, at)
      : undefined;
    if (missing) errors.push(missing);
  }

  // The default is the CLI's: $XDG_STATE_HOME/berth, or ~/.local/state/berth.
  let stateDir = cliConfig({ ...env, BERTH_STATE_DIR: undefined }, cwd).stateDir;
  const statePick = pick(undefined, env.BERTH_STATE_DIR, file.stateDir);
  if (statePick) {
    stateDir = resolve(from(statePick.source), statePick.value);
    sources.stateDir = statePick.source;
  }

  let dockerHost: string | undefined;
  const dockerPick = pick(undefined, env.DOCKER_HOST, file.dockerHost);
  if (dockerPick) {
    dockerHost = dockerPick.value;
    sources.dockerHost = dockerPick.source;
  }

  let grace = DEFAULT_SHUTDOWN_GRACE_S;
  const gracePick = pick(flags.shutdownGrace, env.BERTH_SHUTDOWN_GRACE, file.shutdownGrace);
  if (gracePick) {
    sources.shutdownGrace = gracePick.source;
    grace = Number(gracePick.value);
    if (!Number.isFinite(grace) || grace < 0 || grace > 3600) {
      errors.push(
        gracePick.source === 'flag'
          ? problem(
              `--shutdown-grace ${gracePick.value} is not a number of seconds`,
              'give 0 to 3600, e.g. --shutdown-grace 60',
            )
          : problem(
              `BERTH_SHUTDOWN_GRACE=${gracePick.value} is not a number of seconds`,
              'give 0 to 3600, e.g. BERTH_SHUTDOWN_GRACE=60',
            ),
      );
    }
  }

  let allowedHosts: readonly string[] | undefined = file.allowedHosts;
  const hostsEnv = given(env.BERTH_ALLOWED_HOSTS);
  if (hostsEnv !== undefined) {
    allowedHosts = hostsEnv
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== '');
    const bad = allowedHosts.filter((h) => !ALLOWED_HOST_PATTERN.test(h));
    if (bad.length > 0) {
      errors.push(
        problem(
          `BERTH_ALLOWED_HOSTS=${hostsEnv} has ${bad.map((h) => JSON.stringify(h)).join(', ')}, not a host name`,
          'give names without port or scheme, comma-separated, e.g. BERTH_ALLOWED_HOSTS=berth.example.com,.internal',
        ),
      );
    }
  }

  const resolved = file.backup ? resolveBackupSection(file.backup, fileDir, env) : undefined;
  for (const p of resolved?.problems ?? []) errors.push(problem(p.message, p.hint));
  const backup = resolved?.settings;
  if (backup?.defaultStore !== undefined && !(backup.defaultStore in backup.stores)) {
    errors.push(
      problem(
        `backup.defaultStore names ${backup.defaultStore}, which is not among backup.stores`,
        `stores: ${Object.keys(backup.stores).join(', ')}`,
      ),
    );
  }

  const streams =
    file.streams === undefined
      ? undefined
      : {
          perUser: file.streams.perUser ?? DEFAULT_STREAMS.perUser,
          total: file.streams.total ?? DEFAULT_STREAMS.total,
        };
  if (streams !== undefined && streams.perUser > streams.total) {
    errors.push(
      problem(
        `streams.perUser (${streams.perUser}) is more than streams.total (${streams.total})`,
        'one user cannot hold more streams than the whole server: raise total or lower perUser',
      ),
    );
  }

  const alertsResolved = file.alerts ? resolveAlertSection(file.alerts, fileDir, env) : undefined;
  for (const p of alertsResolved?.problems ?? []) errors.push(problem(p.message, p.hint));
  const alerts = alertsResolved?.settings;

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    settings: {
      host,
      port,
      ...(socketPath === undefined ? {} : { socketPath }),
      ...(tls === undefined ? {} : { tls }),
      workspace,
      stateDir,
      ...(dockerHost === undefined ? {} : { dockerHost }),
      dockerConfigDir: dockerConfigDirOf(env, cwd),
      shutdownGraceMs: grace * 1000,
      ...(allowedHosts === undefined || allowedHosts.length === 0 ? {} : { allowedHosts }),
      ...(streams === undefined ? {} : { streams }),
      ...(file.connections?.perAddress === undefined
        ? {}
        : { connectionsPerAddress: file.connections.perAddress }),
      ...(configFile === undefined ? {} : { configFile }),
      ...(backup === undefined ? {} : { backup }),
      ...(alerts === undefined ? {} : { alerts }),
      sources,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Reading the file

/** Finds, reads and merges the configuration of `berth serve`: what the command runs. */
export function loadServeConfig(flags: ServeFlags, env: Env, cwd: string): ServeConfigResult {
  const where = configFileOf(flags, env);
  if (where === undefined) return resolveServeConfig({ flags, env, cwd, probe: probePath });
  const read = readServeConfigFile(where.path, cwd, where.via);
  if (!read.ok) {
    // Still check the flags and variables, so that every problem is reported at once.
    const rest = resolveServeConfig({ flags, env, cwd, probe: probePath });
    return { ok: false, errors: [...read.errors, ...(rest.ok ? [] : rest.errors)] };
  }
  return resolveServeConfig({ flags, env, cwd, file: read.file, probe: probePath });
}
