import { LocalClient } from '../app/local-client.js';
import { systemClock } from '../clock.js';
import { cliConfig } from '../config/cli.js';
import { createLoggers, refuseLevelProblems, resolveLevels } from '../log/index.js';
import type { BerthClient } from './client.js';
import type { GlobalFlags } from './commands/deploy.js';
import type { CliIo } from './io.js';

/**
 * `--local`: Berth's core in-process against the local engine and state file, logging to stderr at
 * the level of the flags or the environment. Loaded only by a command run with `--local`. A level
 * setting that cannot be used is refused (LogLevelError: exit 2) before anything is opened, as
 * `berth serve` refuses it.
 */
export function localClient(io: CliIo, flags: GlobalFlags): BerthClient {
  const { config, problems } = resolveLevels(io.env, flags, 'warn');
  refuseLevelProblems(problems);
  const loggers = createLoggers(config);
  return new LocalClient(cliConfig(io.env, io.cwd, flags), io.env, loggers, systemClock());
}
