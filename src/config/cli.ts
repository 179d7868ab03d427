import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type BackupSettings, resolveBackupSection } from './backup-settings.js';
import { checkFile, readServeConfigFile } from './serve-file.js';
import { SERVE_CONFIG_CODE, type ServeConfigProblem } from './serve-types.js';

/** Settings of the CLI, read once from the environment at the composition root. */
export interface CliConfig {
  /** Where Berth keeps its SQLite state (deployments, locks, install phases). */
  readonly stateDir: string;
  /** The Docker Engine to drive; undefined: the default socket. */
  readonly dockerHost?: string;
  /** The workspace that stack names are looked up in. */
  readonly workspace: string;
  /** BERTH_CONFIG, absolute: the serve config file, whose `backup:` the CLI in-process reads too. */
  readonly configFile?: string;
  /** Where `docker login` keeps registry credentials (DOCKER_CONFIG, else ~/.docker), absolute. */
  readonly dockerConfigDir?: string;
}

/** The docker CLI's config folder, as it finds it: DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDirOf(env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  const given = env.DOCKER_CONFIG?.trim();
  return resolve(cwd, given ? given : join(env.HOME ?? homedir(), '.docker'));
}

export function cliConfig(
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
  flags: { workspace?: string } = {},
): CliConfig {
  const stateHome = env.XDG_STATE_HOME ?? join(env.HOME ?? homedir(), '.local', 'state');
  return {
    stateDir: resolve(cwd, env.BERTH_STATE_DIR ?? join(stateHome, 'berth')),
    ...(env.DOCKER_HOST ? { dockerHost: env.DOCKER_HOST } : {}),
    workspace: resolve(cwd, flags.workspace ?? env.BERTH_WORKSPACE ?? '.'),
    ...(env.BERTH_CONFIG?.trim() ? { configFile: resolve(cwd, env.BERTH_CONFIG.trim()) } : {}),
    dockerConfigDir: dockerConfigDirOf(env, cwd),
  };
}

/**
 * The `backup:` section of the config file (BERTH_CONFIG), for the CLI in-process (`--local`),
 * which has no `berth serve` to ask: the same file, the same checks. Undefined without a config
 * file or without the section; problems come back located (file:line:col).
 */
export function cliBackupSettings(
  configFile: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): { ok: true; settings: BackupSettings | undefined } | { ok: false; errors: readonly ServeConfigProblem[] } {
  if (configFile === undefined) return { ok: true, settings: undefined };
  const read = readServeConfigFile(configFile, dirname(configFile), 'BERTH_CONFIG');
  if (!read.ok) return read;
  const checked = checkFile(read.file);
  if (!checked.ok) return checked;
  const section = checked.config.backup;
  if (!section) return { ok: true, settings: undefined };
  const resolved = resolveBackupSection(section, dirname(configFile), env);
  if (resolved.problems.length > 0) {
    return {
      ok: false,
      errors: resolved.problems.map((p) => ({
        code: SERVE_CONFIG_CODE,
        file: configFile,
        line: 0,
        column: 0,
        ...p,
      })),
    };
  }
  return { ok: true, settings: resolved.settings };
}
