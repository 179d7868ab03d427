import type { Auth } from '../../access/auth.js';
import { type AuthErrorCode, isAuthError } from '../../access/errors.js';
import { sha256Hex } from '../../access/secrets.js';
import {
  CredentialsSchema,
  LoginResultSchema,
  SetupRequestSchema,
  SetupResultSchema,
  SetupStatusSchema,
} from '../../api/auth.js';
import { OkSchema, SESSION_COOKIE } from '../../api/http.js';
import type { Clock } from '../../clock.js';
import type { AuditLogStore } from '../../store/index.js';
import { defineRoute, type Route } from './registry.js';

export interface AuthRouteDeps {
  readonly auth: Auth;
  readonly auditLog: AuditLogStore;
  readonly clock: Pick<Clock, 'now'>;
  /** Mark the session cookie `Secure` (the server runs with TLS). */
  readonly secureCookies: boolean;
  /** Called once the first admin exists (berth serve removes the setup-token file: the token is dead). */
  readonly onSetupComplete?: () => void;
}

function sessionCookie(value: string, expires: Date | undefined, secure: boolean): string {
  // HttpOnly: no script reads it; SameSite=Strict: no other site makes the browser send it.
  const parts = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  parts.push(expires ? `Expires=${expires.toUTCString()}` : 'Max-Age=0');
  if (secure) parts.push('Secure');
  return parts.join('; ');
}

/**
 * The actor of an anonymous attempt: a name that is no user's is kept only as a short hash, so a password
 * typed as a username, or control characters meant for a terminal, are never stored; repeated tries of
 * one name still share the one actor.
 */
export function unknownActor(username: string): string {
  return `unknown:${sha256Hex(`audit-actor:${username.toLowerCase()}`).slice(0, 12)}`;
}

/**
 * Refusals that write no entry: once setup is done every call gets the same answer, and a throttled
 * attempt was not tried at all. Both are counted in the metrics; entries stay bounded by the throttles.
 */
const UNRECORDED: ReadonlySet<AuthErrorCode> = new Set(['AUTH_SETUP_DONE', 'AUTH_THROTTLED']);

/** Records the outcome of an auth action, and passes the error on. Never records a password or token. */
async function audited<T>(
  deps: AuthRouteDeps,
  entry: { username: string; action: string; requestId: string; ip: string },
  run: () => Promise<T>,
): Promise<T> {
  const at = deps.clock.now();
  const base = () => ({
    at,
    actor: deps.auth.userExists(entry.username) ? entry.username.toLowerCase() : unknownActor(entry.username),
    action: entry.action,
    requestId: entry.requestId,
  });
  try {
    const result = await run();
    deps.auditLog.append({ ...base(), outcome: 'ok', detail: { ip: entry.ip } });
    return result;
  } catch (error: unknown) {
    const code = isAuthError(error) ? error.code : 'ERROR';
    if (!isAuthError(error) || !UNRECORDED.has(error.code)) {
      deps.auditLog.append({ ...base(), outcome: 'failed', detail: { ip: entry.ip, code } });
    }
    throw error;
  }
}

/** First-run setup, login and logout: the only mutating routes that a caller without a principal may reach. */
export function authRoutes(deps: AuthRouteDeps): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/v1/setup',
      operationId: 'setupStatus',
      summary: 'Whether first-run setup is still needed (no user exists yet)',
      tags: ['auth'],
      permission: 'public',
      mutating: false,
      response: SetupStatusSchema,
      handler: () => ({ needed: deps.auth.setupNeeded() }),
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/setup',
      operationId: 'completeSetup',
      summary: 'Create the first admin with the one-time setup token printed at first start',
      tags: ['auth'],
      permission: 'public',
      mutating: true,
      audit: 'handler',
      status: 201,
      errors: [409, 422, 429],
      body: SetupRequestSchema,
      example: {
        body: { token: 'from-the-state-folder', username: 'admin', password: 'a-long-unguessable-phrase' },
      },
      response: SetupResultSchema,
      handler: async ({ body, requestId, ip }) => {
        const user = await audited(
          deps,
          { username: body.username, action: 'completeSetup', requestId, ip },
          () => deps.auth.completeSetup(body.token, { username: body.username, password: body.password, ip }),
        );
        deps.onSetupComplete?.();
        return { userId: user.id, username: user.username };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/login',
      operationId: 'login',
      summary: 'Start a browser session: sets an HttpOnly cookie and returns the CSRF token',
      tags: ['auth'],
      permission: 'public',
      mutating: true,
      audit: 'handler',
      errors: [429],
      body: CredentialsSchema,
      example: { body: { username: 'admin', password: 'a-long-unguessable-phrase' } },
      response: LoginResultSchema,
      handler: async ({ body, requestId, ip, setHeader }) => {
        const { session, principal } = await audited(
          deps,
          { username: body.username, action: 'login', requestId, ip },
          () => deps.auth.login({ username: body.username, password: body.password, ip }),
        );
        const expires = new Date(session.expiresAt);
        setHeader('Set-Cookie', sessionCookie(session.id, expires, deps.secureCookies));
        return { username: principal.name, csrfToken: session.csrf, expiresAt: expires.toISOString() };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/v1/logout',
      operationId: 'logout',
      summary: 'End the browser session',
      tags: ['auth'],
      permission: 'authenticated',
      mutating: true,
      response: OkSchema,
      handler: async ({ principal, setHeader }) => {
        if (principal.sessionId !== undefined) deps.auth.logout(principal.sessionId);
        setHeader('Set-Cookie', sessionCookie('', undefined, deps.secureCookies));
        return { ok: true as const };
      },
    }),
  ];
}
