// What `berth admin …` does; loaded when one of its commands runs (admin.ts defines them).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Role } from '../../access/roles.js';
import { SetupResultSchema, UserChangedSchema, UserListSchema, type UserView } from '../../api/auth.js';
import { OkSchema } from '../../api/http.js';
import { ApiConnection } from '../api.js';
import { type CliIo, ExitCode } from '../io.js';
import { connect } from './connect.js';
import { reportLogin, signIn } from './login-flow.js';
import {
  CommandError,
  DEFAULT_URL,
  formatGrants,
  formatTable,
  grantsFrom,
  printJson,
  readSecret,
  usage,
} from './remote.js';

export interface InitOptions {
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

export async function init(
  io: CliIo,
  setExit: (code: ExitCode) => void,
  url: string | undefined,
  o: InitOptions,
) {
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

function printUser(
  io: CliIo,
  user: UserView & { warnings?: string[] | undefined },
  json: boolean | undefined,
  verb: string,
): void {
  if (json) printJson(io, user);
  else io.stdout(`${verb} user ${user.username}: ${formatGrants(user.grants)}\n`);
  for (const warning of user.warnings ?? []) io.stderr(`warning: ${warning}\n`);
}

const path = (username: string) => `/api/v1/users/${encodeURIComponent(username)}`;

export interface UserAddOptions {
  readonly passwordStdin?: boolean;
  readonly role: Role;
  readonly stack?: string[];
  readonly json?: boolean;
}

/** `berth admin user add`. */
export async function userAdd(
  io: CliIo,
  setExit: (code: ExitCode) => void,
  username: string,
  o: UserAddOptions,
): Promise<void> {
  if (!o.passwordStdin) {
    return usage(io, setExit, 'the password is read from standard input only', 'add --password-stdin');
  }
  const { api } = connect(io);
  const password = await readSecret(io, 'password');
  const created = await api.json('POST', '/api/v1/users', UserChangedSchema, {
    body: { username, password, grants: grantsFrom(o.role, o.stack) },
  });
  printUser(io, created, o.json, 'created');
  setExit(ExitCode.Ok);
}

/** `berth admin user list`. */
export async function userList(
  io: CliIo,
  setExit: (code: ExitCode) => void,
  o: { json?: boolean },
): Promise<void> {
  const { items } = await connect(io).api.json('GET', '/api/v1/users', UserListSchema);
  if (o.json) printJson(io, { items });
  else {
    const rows = items.map((u) => [u.username, formatGrants(u.grants), u.createdAt]);
    io.stdout(formatTable(['USERNAME', 'GRANTS', 'CREATED'], rows));
  }
  setExit(ExitCode.Ok);
}

/** `berth admin user grant`. */
export async function userGrant(
  io: CliIo,
  setExit: (code: ExitCode) => void,
  username: string,
  o: { role: Role; stack?: string[]; json?: boolean },
): Promise<void> {
  const updated = await connect(io).api.json('PUT', `${path(username)}/grants`, UserChangedSchema, {
    body: { grants: grantsFrom(o.role, o.stack) },
  });
  printUser(io, updated, o.json, 'updated');
  setExit(ExitCode.Ok);
}

/** `berth admin user remove`. */
export async function userRemove(
  io: CliIo,
  setExit: (code: ExitCode) => void,
  username: string,
  o: { json?: boolean },
): Promise<void> {
  await connect(io).api.json('DELETE', path(username), OkSchema);
  if (o.json) printJson(io, { removed: username });
  else io.stdout(`removed user ${username} (with their sessions and tokens)\n`);
  setExit(ExitCode.Ok);
}
