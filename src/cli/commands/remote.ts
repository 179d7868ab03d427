import { InvalidArgumentError, Option } from 'commander';
import { ROLES, type Role } from '../../access/roles.js';
import type { GrantView } from '../../api/auth.js';
import type { ApiConnection } from '../api.js';
import { type CliIo, ExitCode } from '../io.js';
import { printable } from '../printable.js';

// What the commands that talk to `berth serve` share: secrets from stdin, options, output. Light on
// purpose (commander and the role names): every command's definition loads it, so `berth --version`
// does too. The connection itself is in connect.ts, loaded when a command runs.

export const DEFAULT_URL = 'http://127.0.0.1:7300';

/** A coded failure of a command (printed by main as `error CODE: message` with its hint). */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** A bad command line: printed like main prints errors, exit code 2. */
export function usage(io: CliIo, setExit: (code: ExitCode) => void, message: string, hint: string): void {
  io.stderr(`error USAGE: ${message}\n  hint: ${hint}\n`);
  setExit(ExitCode.Usage);
}

/** The API of the server the environment or the saved login names (connect.ts, loaded on use). */
export async function remoteApi(io: CliIo): Promise<ApiConnection> {
  const { connect } = await import('./connect.js');
  return connect(io).api;
}

/** A secret from standard input, without its final line end; never echoed. */
export async function readSecret(io: CliIo, what: string): Promise<string> {
  if (!io.readStdin) {
    throw new CommandError(
      'STDIN_UNAVAILABLE',
      `cannot read the ${what} from standard input here`,
      'run the command from a shell',
    );
  }
  const value = (await io.readStdin(what)).replace(/\r?\n$/, '');
  if (value === '') {
    throw new CommandError(
      'STDIN_EMPTY',
      `standard input held no ${what}`,
      `pipe the ${what} in, e.g. \`berth … < file\` or \`printf '%s' "$VALUE" | berth …\``,
    );
  }
  return value;
}

/** A whole number of at least `min`, for options such as --limit (a bad one is a usage error). */
export function parseCount(min = 1): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`expected a whole number of at least ${min}`);
    }
    return n;
  };
}

/** `--role <role>`, limited to the roles there are. */
export function roleOption(description: string): Option {
  return new Option('--role <role>', description).choices([...ROLES]);
}

/** `--role r` with `--stack s...`: one grant per stack, or one on every stack. */
export function grantsFrom(role: Role, stacks: readonly string[] | undefined): GrantView[] {
  return stacks && stacks.length > 0 ? stacks.map((stack) => ({ role, stack })) : [{ role }];
}

export function formatGrants(grants: readonly GrantView[]): string {
  if (grants.length === 0) return 'no grants';
  return grants.map((g) => `${g.role} on ${g.stack === undefined ? 'every stack' : g.stack}`).join(', ');
}

/** The most powerful role in the grants (admin > operator > viewer); viewer when there are none. */
export function highestRole(grants: readonly GrantView[]): Role {
  let best = 0;
  for (const g of grants) best = Math.max(best, ROLES.indexOf(g.role));
  return ROLES[best] ?? 'viewer';
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Columns padded to their widest cell; every cell is made printable, so one cell is one line. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const safe = rows.map((row) => row.map(printable));
  const widths = header.map((h, i) => Math.max(h.length, ...safe.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...safe.map(line)].join('\n')}\n`;
}
