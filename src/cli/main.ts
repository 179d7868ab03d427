import { Command, CommanderError } from 'commander';
import { registerAdmin } from './commands/admin.js';
import { registerAlerts } from './commands/alerts.js';
import { registerAudit } from './commands/audit.js';
import { registerAuditLog } from './commands/audit-log.js';
import { registerBackup } from './commands/backup.js';
import { registerConfig } from './commands/config.js';
import { type ClientFactory, registerDeploy } from './commands/deploy.js';
import { registerGraph } from './commands/graph.js';
import { registerHealth } from './commands/health.js';
import { registerImages } from './commands/images.js';
import { registerJobs } from './commands/jobs.js';
import { registerLogin } from './commands/login.js';
import { registerOps } from './commands/ops.js';
import { registerServe } from './commands/serve.js';
import { registerValidate } from './commands/validate.js';
import { describeFailure, failureExitCode } from './failure.js';
import { type CliIo, ExitCode, processIo } from './io.js';
import { printableIo } from './printable.js';

// Start-up: this module and the command definitions it registers load only commander and light
// helpers. What a command needs to run (the compose model, the API contract and client, the engine,
// the state file, the server) is imported by its action, so `berth --version`, `--help` and
// `validate` never load the server, the engine, SQLite or argon2. test/cli/startup.test.ts keeps it so.

export const VERSION = '0.1.0';

/**
 * The default client: through `berth serve` (BERTH_URL/BERTH_TOKEN or `berth login`), or with
 * `--local` in-process against the local engine and state file. Each is loaded when first used.
 */
export function defaultClientFactory(io: CliIo): ClientFactory {
  return async (flags) => {
    if (!flags.local) {
      const [{ HttpClient }, { connect }] = await Promise.all([
        import('./http-client.js'),
        import('./commands/connect.js'),
      ]);
      return new HttpClient(connect(io).api, { notice: io.stderr });
    }
    const { localClient } = await import('./local.js');
    return localClient(io, flags);
  };
}

export function buildProgram(
  rawOut: CliIo,
  setExit: (code: ExitCode) => void,
  factory: ClientFactory = defaultClientFactory(rawOut),
): Command {
  // Everything the commands print passes printableLines: server data never reaches a terminal raw.
  const io = printableIo(rawOut);
  const program = new Command('berth')
    .description('Berth: deploy, check and operate multi-service Docker stacks from plain compose files')
    .version(VERSION)
    .option(
      '-w, --workspace <path>',
      'workspace that stack names are looked up in (default: BERTH_WORKSPACE or .)',
    )
    .option(
      '-v, --verbose',
      'log more to stderr (-v info, -vv debug, -vvv trace)',
      (_v: string, n: number) => n + 1,
      0,
    )
    .option(
      '--local',
      'drive the local Docker engine in-process instead of going through `berth serve` (BERTH_LOCAL=1)',
      io.env.BERTH_LOCAL === '1',
    )
    .option(
      '--log-level <level>',
      'log level: trace, debug, info, warn, error, silent (or BERTH_LOG_LEVEL[_<COMPONENT>])',
    )
    .exitOverride()
    .showHelpAfterError('(run `berth --help` for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerValidate(program, io, setExit);
  registerConfig(program, io, setExit);
  registerGraph(program, io, setExit);
  registerDeploy(program, io, setExit, factory);
  registerOps(program, io, setExit, factory);
  registerImages(program, io, setExit, factory);
  registerJobs(program, io, setExit, factory);
  registerHealth(program, io, setExit, factory);
  registerAlerts(program, io, setExit);
  registerBackup(program, io, setExit, factory);
  registerServe(program, io, setExit, VERSION);
  registerAudit(program, io, setExit);
  registerLogin(program, io, setExit);
  registerAdmin(program, io, setExit);
  registerAuditLog(program, io, setExit);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  }
  return program;
}

/** `admin user add` for that command under `berth`. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Runs the CLI and returns its exit code (0 ok, 1 invalid or failed, 2 usage error, 130 / 143 a
 * `--local` deploy SIGINT / SIGTERM interrupted, after putting back what it changed). It never throws:
 * an error is printed as `error CODE: …` with a hint, its stack only at -vv (or --log-level debug).
 */
export async function main(
  argv: readonly string[],
  io: CliIo = processIo(),
  factory?: ClientFactory,
): Promise<number> {
  let code: ExitCode = ExitCode.Ok;
  const program = buildProgram(
    io,
    (c) => {
      code = c;
    },
    factory,
  );
  if (argv.length === 0) {
    io.stdout(program.helpInformation());
    return ExitCode.Usage;
  }
  let running: string | undefined;
  program.hook('preAction', (_program, action) => {
    running = commandPath(action);
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error: unknown) {
    if (error instanceof CommanderError) {
      const benign = ['commander.helpDisplayed', 'commander.version', 'commander.help'];
      return benign.includes(error.code) ? ExitCode.Ok : ExitCode.Usage;
    }
    const { verbose, logLevel } = program.opts<{ verbose?: number; logLevel?: string }>();
    // Levels are case-insensitive everywhere (`--log-level DEBUG`).
    const level = logLevel?.toLowerCase();
    const debug = (verbose ?? 0) >= 2 || level === 'debug' || level === 'trace';
    // The message and hint may be the server's words.
    printableIo(io).stderr(describeFailure(error, running, debug));
    return failureExitCode(error);
  }
}
