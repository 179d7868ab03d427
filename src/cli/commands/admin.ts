import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { Role } from '../../access/roles.js';
import { SetupResultSchema, UserListSchema, UserSchema, type UserView } from '../../api/auth.js';
import { OkSchema } from '../../api/http.js';
import { ApiConnection } from '../api.js';
import { type CliIo, ExitCode } from '../io.js';
import { reportLogin, signIn } from './login.js';
import {
  CommandError,
  connect,
  DEFAULT_URL,
  formatGrants,
  formatTable,
  grantsFrom,
  parseCount,
  printJson,
  readSecret,
  roleOption,
  usage,
} from './remote.js';
import { collect } from './shared.js';

interface InitOptions {
  readonly username: string;
  readonly setupTokenFile?: string;
  readonly setupTokenStdin?: boolean;
  readonly passwordStdin?: boolean;
  readonly passwordFile?: string;
  readonly expiresInDays: number;
  readonly json?: boolean;
}

/** The first line of a file holding a secret; the error never quotes the content. */
function readSecretFile(io: CliIo, file: string, what: string, hint: string): string {
  const path = resolve(io.cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new CommandError('SECRET_FILE_UNREADABLE', `cannot read the ${what} from ${path} (${code})`, hint);
  }
  const value = text.replace(/\r?\n$/, '');
  if (value === '') throw new CommandError('SECRET_FILE_EMPTY', `${path} holds no ${what}`, hint);
  return value;
}

const TOKEN_FILE_HINT = '`berth serve` writes the setup token to <state dir>/setup-token on its first start';

async function init(io: CliIo, setExit: (code: ExitCode) => void, url: string | undefined, o: InitOptions) {
  if ((o.setupTokenFile === undefined) === (o.setupTokenStdin !== true)) {
    return usage(
      io,
      setExit,
      'give the setup token once',
      'use --setup-token-file <file> or --setup-token-stdin',
    );
  }
  if ((o.passwordFile === undefined) === (o.passwordStdin !== true)) {
    return usage(io, setExit, 'give the password once', 'use --password-stdin (or --password-file <file>)');
  }
  if (o.setupTokenStdin && o.passwordStdin) {
    return usage(
      io,
      setExit,
      'the setup token and the password cannot both come from standard input',
      'pass the setup token with --setup-token-file <file> (the server wrote it to <state dir>/setup-token)',
    );
  }
  const target = url ?? (io.env.BERTH_URL || DEFAULT_URL);
  const token = o.setupTokenFile
    ? readSecretFile(io, o.setupTokenFile, 'setup token', TOKEN_FILE_HINT)
    : await readSecret(io, 'setup token');
  const password = o.passwordFile
    ? readSecretFile(
        io,
        o.passwordFile,
        'password',
        'write the password to the file, or use --password-stdin',
      )
    : await readSecret(io, 'password');
  await new ApiConnection({ url: target }).json('POST', '/api/v1/setup', SetupResultSchema, {
    body: { token: token.trim(), username: o.username, password },
  });
  const credentials = await signIn(target, {
    username: o.username,
    password,
    expiresInDays: o.expiresInDays,
  });
  if (!o.json) io.stdout(`created the first admin ${o.username} on ${target}\n`);
  await reportLogin(io, credentials, o.json === true, { created: o.username });
  setExit(ExitCode.Ok);
}

function printUser(io: CliIo, user: UserView, json: boolean | undefined, verb: string): void {
  if (json) printJson(io, user);
  else io.stdout(`${verb} user ${user.username}: ${formatGrants(user.grants)}\n`);
}

const path = (username: string) => `/api/v1/users/${encodeURIComponent(username)}`;

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
    .action(
      async (
        username: string,
        o: { passwordStdin?: boolean; role: Role; stack?: string[]; json?: boolean },
      ) => {
        if (!o.passwordStdin) {
          return usage(io, setExit, 'the password is read from standard input only', 'add --password-stdin');
        }
        const { api } = connect(io);
        const password = await readSecret(io, 'password');
        const created = await api.json('POST', '/api/v1/users', UserSchema, {
          body: { username, password, grants: grantsFrom(o.role, o.stack) },
        });
        printUser(io, created, o.json, 'created');
        setExit(ExitCode.Ok);
      },
    );

  user
    .command('list')
    .description('list the users and their grants')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const { items } = await connect(io).api.json('GET', '/api/v1/users', UserListSchema);
      if (o.json) printJson(io, { items });
      else {
        const rows = items.map((u) => [u.username, formatGrants(u.grants), u.createdAt]);
        io.stdout(formatTable(['USERNAME', 'GRANTS', 'CREATED'], rows));
      }
      setExit(ExitCode.Ok);
    });

  user
    .command('grant')
    .description(
      "replace a user's grants with the ones given by --role and --stack: the old ones are dropped",
    )
    .argument('<username>', 'the user')
    .addOption(roleOption('the role (required)').makeOptionMandatory())
    .option('--stack <stack>', 'on this stack only (repeatable); default: every stack', collect)
    .option('--json', 'print the user as JSON')
    .action(async (username: string, o: { role: Role; stack?: string[]; json?: boolean }) => {
      const updated = await connect(io).api.json('PUT', `${path(username)}/grants`, UserSchema, {
        body: { grants: grantsFrom(o.role, o.stack) },
      });
      printUser(io, updated, o.json, 'updated');
      setExit(ExitCode.Ok);
    });

  user
    .command('remove')
    .description('delete a user with their sessions and API tokens')
    .argument('<username>', 'the user')
    .option('--json', 'print JSON')
    .action(async (username: string, o: { json?: boolean }) => {
      await connect(io).api.json('DELETE', path(username), OkSchema);
      if (o.json) printJson(io, { removed: username });
      else io.stdout(`removed user ${username} (with their sessions and tokens)\n`);
      setExit(ExitCode.Ok);
    });
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
    .action((url: string | undefined, o: InitOptions) => init(io, setExit, url, o));

  registerUsers(admin, io, setExit);
}
