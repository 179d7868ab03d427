import { LocalClient } from '../app/local-client.js';
import { systemClock } from '../clock.js';
import { cliConfig } from '../config/cli.js';
import { createLoggers, LEVELS, levelFromFlags, levelsFromEnv } from '../log/index.js';
import type { BerthClient } from './client.js';
import type { GlobalFlags } from './commands/deploy.js';
import type { CliIo } from './io.js';

/**
 * `--local`: Berth's core in-process against the local engine and state file, logging to stderr at
 * the level of the flags or the environment. Loaded only by a command run with `--local`.
 */
export function localClient(io: CliIo, flags: GlobalFlags): BerthClient {
  const { config, problems } = levelsFromEnv(io.env);
  for (const p of problems)
    io.stderr(`warning: ${p.variable}=${p.value} is not a log level (${LEVELS.join(', ')})\n`);
  const level = levelFromFlags(flags.verbose ?? 0, flags.logLevel);
  if (flags.logLevel !== undefined && level === undefined)
    io.stderr(`warning: --log-level ${flags.logLevel} is not a log level (${LEVELS.join(', ')})\n`);
  const loggers = createLoggers(level ? { base: level, components: {} } : config);
  return new LocalClient(cliConfig(io.env, io.cwd, flags), io.env, loggers, systemClock());
}
