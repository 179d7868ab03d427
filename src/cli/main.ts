import { Command, CommanderError } from 'commander';
import { registerConfig } from './commands/config.js';
import { registerGraph } from './commands/graph.js';
import { registerValidate } from './commands/validate.js';
import { type CliIo, ExitCode, processIo } from './io.js';

export const VERSION = '0.1.0';

export function buildProgram(io: CliIo, setExit: (code: ExitCode) => void): Command {
  const program = new Command('berth')
    .description('Berth: deploy, check and operate multi-service Docker stacks from plain compose files')
    .version(VERSION)
    .exitOverride()
    .showHelpAfterError('(run `berth --help` for usage)')
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerValidate(program, io, setExit);
  registerConfig(program, io, setExit);
  registerGraph(program, io, setExit);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  }
  return program;
}

/** Runs the CLI and returns its exit code (0 ok, 1 invalid or failed, 2 usage error). */
export async function main(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  let code: ExitCode = ExitCode.Ok;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  if (argv.length === 0) {
    io.stdout(program.helpInformation());
    return ExitCode.Usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error: unknown) {
    if (error instanceof CommanderError) {
      const benign = ['commander.helpDisplayed', 'commander.version', 'commander.help'];
      return benign.includes(error.code) ? ExitCode.Ok : ExitCode.Usage;
    }
    throw error;
  }
}
