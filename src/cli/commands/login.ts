import type { Command } from 'commander';
import type { CliIo, ExitCode } from '../io.js';
import type { LoginOptions } from './login-flow.js';
import { DEFAULT_URL, parseCount } from './remote.js';

/** What the commands do, with the connection and the contract: loaded when one of them runs. */
const flow = () => import('./login-flow.js');

export function registerLogin(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  program
    .command('login')
    .description('log in to a Berth server: creates an API token and saves it (mode 0600) for later commands')
    .argument(
      '[url]',
      `server URL: http(s)://host:port or unix:/path.sock (default: BERTH_URL or ${DEFAULT_URL})`,
    )
    .requiredOption('--username <name>', 'your username')
    .option('--password-stdin', 'read the password from standard input (required)')
    .option('--expires-in-days <n>', 'lifetime of the token, in days (1 to 365)', parseCount(1), 30)
    .option('--json', 'print the result as JSON (never the token)')
    .action(async (url: string | undefined, options: LoginOptions) =>
      (await flow()).login(io, setExit, url, options),
    );

  program
    .command('logout')
    .description('revoke the saved API token on the server and remove the saved login')
    .option('--json', 'print the result as JSON')
    .action(async (options: { json?: boolean }) => (await flow()).logout(io, setExit, options));

  program
    .command('whoami')
    .description('show who the saved login or BERTH_TOKEN is, and their grants')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => (await flow()).whoami(io, setExit, options));
}
