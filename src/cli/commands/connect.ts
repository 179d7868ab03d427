import { ApiConnection } from '../api.js';
import { type Credentials, credentialsPath, readCredentials, resolveConnection } from '../credentials.js';
import type { CliIo } from '../io.js';
import { CommandError } from './remote.js';

export interface Remote {
  readonly api: ApiConnection;
  /** The credentials file, and what it holds (when it holds anything). */
  readonly file: string;
  readonly saved?: Credentials;
  /** The saved token is the one sent (no BERTH_TOKEN, same server). */
  readonly savedTokenInUse: boolean;
}

/** The server the environment or the saved login names. */
export function connect(io: CliIo): Remote {
  const file = credentialsPath(io.env);
  const saved = readCredentials(file);
  const connection = resolveConnection(io.env, saved);
  if (connection === undefined) {
    throw new CommandError(
      'NOT_LOGGED_IN',
      'no Berth server to talk to: not logged in and BERTH_URL is not set',
      'run `berth login <url> --username <name> --password-stdin`, or set BERTH_URL and BERTH_TOKEN',
    );
  }
  return {
    api: new ApiConnection(connection),
    file,
    ...(saved ? { saved } : {}),
    savedTokenInUse: saved !== undefined && connection.token === saved.token,
  };
}
