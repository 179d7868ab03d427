import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Settings of the CLI, read once from the environment at the composition root. */
export interface CliConfig {
  /** Where Berth keeps its SQLite state (deployments, locks, install phases). */
  readonly stateDir: string;
  /** The Docker Engine to drive; undefined: the default socket. */
  readonly dockerHost?: string;
  /** The workspace that stack names are looked up in. */
  readonly workspace: string;
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
  };
}
