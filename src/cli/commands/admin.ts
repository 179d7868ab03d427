import type { Command } from 'commander';
import type { Role } from '../../access/roles.js';
import type { CliIo, ExitCode } from '../io.js';
import type { InitOptions, UserAddOptions } from './admin-flow.js';
import { collect } from './options.js';
import { DEFAULT_URL, parseCount, roleOption } from './remote.js';

/** What the commands do, with the connection and the contract: loaded when one of them runs. */
const flow = () => import('./admin-flow.js');

function registerUsers(admin: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const user = admin
    .command('user')
    .description('manage users and their grants (needs admin on every stack)');

  user
    .command('add')
    .description('create a user; the password is read from standard input')
    .argument('<username>', 'lowercase letters, digits, ".", "_", "-"')
    .option('--password-stdin', 'read the password from standard input (required)')
    .addOption(roleOption('role to grant (default: viewer)').default('viewer'))
    .option(
      '--stack <stack>',
      'grant the role on this stack only (repeatable); default: every stack',
      collect,
    )
    .option('--json', 'print the user as JSON')
    .action(async (username: string, o: UserAddOptions) => (await flow()).userAdd(io, setExit, username, o));

  user
    .command('list')
    .description('list the users and their grants')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => (await flow()).userList(io, setExit, o));

  user
    .command('grant')
    .description(
      "replace a user's grants with the ones given by --role and --stack: the old ones are dropped",
    )
    .argument('<username>', 'the user')
    .addOption(roleOption('the role (required)').makeOptionMandatory())
    .option('--stack <stack>', 'on this stack only (repeatable); default: every stack', collect)
    .option('--json', 'print the user as JSON')
    .action(async (username: string, o: { role: Role; stack?: string[]; json?: boolean }) =>
      (await flow()).userGrant(io, setExit, username, o),
    );

  user
    .command('remove')
    .description('delete a user with their sessions and API tokens')
    .argument('<username>', 'the user')
    .option('--json', 'print JSON')
    .action(async (username: string, o: { json?: boolean }) =>
      (await flow()).userRemove(io, setExit, username, o),
    );
}

export function registerAdmin(program: Command, io: CliIo, setExit: (code: ExitCode) => void): void {
  const admin = program
    .command('admin')
    .description('first-run setup and user administration of a Berth server');

  admin
    .command('init')
    .description('create the first admin with the one-time setup token, then log in as them')
    .argument('[url]', `server URL (default: BERTH_URL or ${DEFAULT_URL})`)
    .requiredOption('--username <name>', 'the admin to create')
    .option('--setup-token-file <file>', 'read the setup token from this file (<state dir>/setup-token)')
    .option('--setup-token-stdin', 'read the setup token from standard input')
    .option('--password-stdin', 'read the password from standard input')
    .option('--password-file <file>', 'read the password from this file (with --setup-token-stdin)')
    .option('--expires-in-days <n>', 'lifetime of the saved API token, in days', parseCount(1), 30)
    .option('--json', 'print the result as JSON (never a token)')
    .action(async (url: string | undefined, o: InitOptions) => (await flow()).init(io, setExit, url, o));

  registerUsers(admin, io, setExit);
}
