import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { z } from 'zod';

type Env = Readonly<Record<string, string | undefined>>;

/** The saved login of `berth login`: an API token for one server. */
export const CredentialsSchema = z.object({
  url: z.string().min(1),
  token: z.string().min(1),
  tokenId: z.string().min(1),
  username: z.string().min(1),
  expiresAt: z.string().min(1),
});
export type Credentials = z.output<typeof CredentialsSchema>;

/** Where the CLI talks to: the server's URL and, when known, an API token. */
export interface Connection {
  readonly url: string;
  readonly token?: string;
}

export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
  constructor(
    readonly code: 'CREDENTIALS_INVALID' | 'CREDENTIALS_IO',
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

const set = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value;

/** `${XDG_CONFIG_HOME or $HOME/.config}/berth/credentials.json`. */
export function credentialsPath(env: Env): string {
  const configHome = set(env.XDG_CONFIG_HOME) ?? join(set(env.HOME) ?? homedir(), '.config');
  return join(configHome, 'berth', 'credentials.json');
}

/** The saved login, or undefined when there is none. A damaged file is an error, never silently ignored. */
export function readCredentials(file: string): Credentials | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CredentialsError(
      'CREDENTIALS_IO',
      `cannot read the saved login ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      'check the file’s owner and permissions, or remove it and run `berth login` again',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const result = CredentialsSchema.safeParse(parsed);
  if (!result.success) {
    throw new CredentialsError(
      'CREDENTIALS_INVALID',
      `the saved login ${file} is damaged`,
      'run `berth login` again (it replaces the file)',
    );
  }
  return result.data;
}

/**
 * Saves the login: the folder is made 0700, the file written 0600 to a temporary name in the same
 * folder and renamed over the old one, so a reader never sees half a file or a readable token.
 */
export function writeCredentials(file: string, credentials: Credentials): void {
  const dir = dirname(file);
  const temp = join(dir, `.credentials.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    writeFileSync(temp, `${JSON.stringify(CredentialsSchema.parse(credentials), null, 2)}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
    renameSync(temp, file);
  } catch (error: unknown) {
    rmSync(temp, { force: true });
    throw new CredentialsError(
      'CREDENTIALS_IO',
      `cannot save the login to ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      'check that the folder is writable, or set XDG_CONFIG_HOME to a folder you own',
    );
  }
}

/** Removes the saved login; false when there was none. */
export function removeCredentials(file: string): boolean {
  try {
    rmSync(file);
    return true;
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new CredentialsError(
      'CREDENTIALS_IO',
      `cannot remove the saved login ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      'remove the file by hand',
    );
  }
}

/**
 * BERTH_URL and BERTH_TOKEN override the saved login's url and token. The saved token is only sent
 * to the server it was issued by: with BERTH_URL naming another server and no BERTH_TOKEN, there is
 * no token. Undefined when neither the environment nor the file gives a URL.
 */
export function resolveConnection(env: Env, file: Credentials | undefined): Connection | undefined {
  const url = set(env.BERTH_URL) ?? file?.url;
  if (url === undefined) return undefined;
  const token =
    set(env.BERTH_TOKEN) ?? (file !== undefined && sameServer(file.url, url) ? file.token : undefined);
  return token === undefined ? { url } : { url, token };
}

const sameServer = (a: string, b: string): boolean => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
