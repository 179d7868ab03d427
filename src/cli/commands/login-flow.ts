// What `berth login`, `logout` and `whoami` do; loaded when one of them runs (login.ts defines them).
import { hostname } from 'node:os';
import { LoginResultSchema, TokenCreatedSchema, WhoamiSchema } from '../../api/auth.js';
import { CSRF_HEADER, OkSchema, SESSION_COOKIE } from '../../api/http.js';
import { ApiConnection } from '../api.js';
import { ApiRequestError, responseError } from '../api-error.js';
import {
  type Credentials,
  credentialsPath,
  readCredentials,
  removeCredentials,
  writeCredentials,
} from '../credentials.js';
import { type CliIo, ExitCode } from '../io.js';
import { connect } from './connect.js';
import { DEFAULT_URL, formatGrants, highestRole, printJson, readSecret, usage } from './remote.js';

export interface SignIn {
  readonly username: string;
  readonly password: string;
  readonly expiresInDays: number;
}

/** `berth_session=<id>` from the login's Set-Cookie headers. */
function sessionCookie(setCookie: readonly string[] | undefined): string | undefined {
  for (const header of setCookie ?? []) {
    const pair = header.split(';')[0]?.trim() ?? '';
    if (pair.startsWith(`${SESSION_COOKIE}=`) && pair.length > SESSION_COOKIE.length + 1) return pair;
  }
  return undefined;
}

function csrfToken(body: string): string | undefined {
  try {
    const parsed = LoginResultSchema.safeParse(JSON.parse(body));
    return parsed.success ? parsed.data.csrfToken : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Password login for an API token: a short browser-style session (cookie + CSRF token) creates a
 * token of the highest role the user holds, then the session is ended. Returns what to save.
 */
export async function signIn(url: string, input: SignIn): Promise<Credentials> {
  // Without a token: a bearer token would take precedence over the session cookie.
  const api = new ApiConnection({ url });
  const login = await api.request('POST', '/api/v1/login', {
    body: { username: input.username, password: input.password },
  });
  if (login.status !== 200) throw responseError(url, login.status, login.body);
  const cookie = sessionCookie(login.headers['set-cookie']);
  const csrf = csrfToken(login.body);
  if (cookie === undefined || csrf === undefined) {
    throw new ApiRequestError(
      'LOGIN_FAILED',
      `the server at ${url} accepted the login but sent no session`,
      'check that the URL names `berth serve` directly, not a proxy that drops cookies',
      login.status,
    );
  }
  const session = { cookie, [CSRF_HEADER]: csrf };
  try {
    const who = await api.json('GET', '/api/v1/whoami', WhoamiSchema, { headers: { cookie } });
    const created = await api.json('POST', '/api/v1/tokens', TokenCreatedSchema, {
      headers: session,
      body: {
        name: `cli@${hostname()}`.slice(0, 64),
        role: highestRole(who.grants),
        expiresInDays: input.expiresInDays,
      },
    });
    return {
      url,
      token: created.token,
      tokenId: created.id,
      username: who.name,
      expiresAt: created.expiresAt,
    };
  } finally {
    // Best effort: an unended session still expires on its own.
    await api.json('POST', '/api/v1/logout', OkSchema, { headers: session }).catch(() => undefined);
  }
}

/** Saves the login and reports it, never showing the token. */
export async function reportLogin(
  io: CliIo,
  credentials: Credentials,
  json: boolean,
  extra: object = {},
): Promise<void> {
  const file = credentialsPath(io.env);
  const previous = previousLogin(file);
  writeCredentials(file, credentials);
  if (previous !== undefined && previous.tokenId !== credentials.tokenId) await revokeQuietly(previous);
  const { url, username, tokenId, expiresAt } = credentials;
  if (json) printJson(io, { ...extra, url, username, tokenId, expiresAt, file });
  else
    io.stdout(
      `logged in to ${url} as ${username}; token ${tokenId} expires ${expiresAt}; saved to ${file}\n`,
    );
}

/** The login being replaced; a damaged file is simply overwritten. */
function previousLogin(file: string): Credentials | undefined {
  try {
    return readCredentials(file);
  } catch {
    return undefined;
  }
}

/** Best effort, a few seconds at most: a replaced login's token would otherwise live on unused. */
async function revokeQuietly(old: Credentials): Promise<void> {
  try {
    await new ApiConnection({ url: old.url, token: old.token }).json(
      'DELETE',
      `/api/v1/tokens/${encodeURIComponent(old.tokenId)}`,
      OkSchema,
      { signal: AbortSignal.timeout(5000) },
    );
  } catch {
    // Unreachable, expired or already revoked: it expires on its own.
  }
}

export interface LoginOptions {
  readonly username: string;
  readonly passwordStdin?: boolean;
  readonly expiresInDays: number;
  readonly json?: boolean;
}

/** `berth login`. */
export async function login(
  io: CliIo,
  setExit: (code: ExitCode) => void,
  url: string | undefined,
  options: LoginOptions,
): Promise<void> {
  if (!options.passwordStdin) {
    return usage(
      io,
      setExit,
      'the password is read from standard input only',
      'add --password-stdin, e.g. `berth login --username admin --password-stdin < password-file`',
    );
  }
  const target = url ?? (io.env.BERTH_URL || DEFAULT_URL);
  const password = await readSecret(io, 'password');
  const credentials = await signIn(target, {
    username: options.username,
    password,
    expiresInDays: options.expiresInDays,
  });
  await reportLogin(io, credentials, options.json === true);
  setExit(ExitCode.Ok);
}

/** `berth logout`. */
export async function logout(
  io: CliIo,
  setExit: (code: ExitCode) => void,
  options: { json?: boolean },
): Promise<void> {
  const file = credentialsPath(io.env);
  const saved = readCredentials(file);
  if (saved === undefined) {
    if (options.json) printJson(io, { loggedOut: false, file });
    else io.stdout(`not logged in (no ${file})\n`);
    return setExit(ExitCode.Ok);
  }
  let failure: ApiRequestError | undefined;
  let already = false;
  try {
    await new ApiConnection({ url: saved.url, token: saved.token }).json(
      'DELETE',
      `/api/v1/tokens/${encodeURIComponent(saved.tokenId)}`,
      OkSchema,
    );
  } catch (error: unknown) {
    if (!(error instanceof ApiRequestError)) throw error;
    // 401: the token is no longer valid anyway (expired, revoked, its user deleted).
    if (error.status === 401) already = true;
    else failure = error;
  }
  // Removed either way: the user asked to be logged out of this machine.
  removeCredentials(file);
  const { url, tokenId, expiresAt } = saved;
  if (options.json) {
    const error = failure ? { expiresAt, error: { code: failure.code, message: failure.message } } : {};
    printJson(io, { loggedOut: true, url, tokenId, revoked: failure === undefined, ...error, file });
  } else if (failure === undefined) {
    const how = already ? 'was no longer valid' : 'revoked';
    io.stdout(`logged out of ${url}: token ${tokenId} ${how}; removed ${file}\n`);
  } else {
    io.stderr(
      `warning: token ${tokenId} was NOT revoked (${failure.code}: ${failure.message}); ` +
        `it stays valid until ${expiresAt}\n  hint: ${failure.hint}\n`,
    );
    io.stdout(`removed the saved login ${file}\n`);
  }
  setExit(failure === undefined ? ExitCode.Ok : ExitCode.Invalid);
}

/** `berth whoami`. */
export async function whoami(
  io: CliIo,
  setExit: (code: ExitCode) => void,
  options: { json?: boolean },
): Promise<void> {
  const { api, saved, savedTokenInUse } = connect(io);
  const who = await api.json('GET', '/api/v1/whoami', WhoamiSchema);
  const expiresAt = savedTokenInUse ? saved?.expiresAt : undefined;
  if (options.json) {
    printJson(io, { url: api.url, ...who, ...(expiresAt ? { tokenExpiresAt: expiresAt } : {}) });
  } else {
    const lines = [`${who.name} at ${api.url} (${who.kind === 'token' ? 'API token' : 'session'})`];
    lines.push(`grants: ${formatGrants(who.grants)}`);
    if (who.tokenScope) {
      const scope = who.tokenScope;
      lines.push(`token scope: ${scope.role} on ${scope.stacks ? scope.stacks.join(', ') : 'every stack'}`);
    }
    if (expiresAt) lines.push(`token expires: ${expiresAt}`);
    io.stdout(`${lines.join('\n')}\n`);
  }
  setExit(ExitCode.Ok);
}
