import type { Auth } from '../access/auth.js';
import type { Authenticator } from './context.js';

const BEARER = 'Bearer ';
const WHITESPACE = /\s/;

/** The token of `Bearer <token>` (no whitespace in it, nothing around it), as /^Bearer (\S+)$/ reads it. */
export function bearerToken(authorization: string): string | undefined {
  if (!authorization.startsWith(BEARER) || authorization.length === BEARER.length) return undefined;
  const token = authorization.slice(BEARER.length);
  return WHITESPACE.test(token) ? undefined : token;
}

/**
 * The app's view of authentication, over the auth service: a bearer token when an Authorization
 * header is sent (a malformed header never falls back to the cookie), else the session cookie.
 * Token principals carry no session, so they need no CSRF token.
 */
export function authServiceAuthenticator(auth: Auth): Authenticator {
  return {
    principalFor({ authorization, sessionCookie }) {
      if (authorization !== undefined) {
        const token = bearerToken(authorization);
        return token === undefined ? undefined : auth.tokenPrincipal(token);
      }
      return sessionCookie === undefined ? undefined : auth.sessionPrincipal(sessionCookie);
    },
    checkCsrf: (sessionId, csrf) => csrf !== undefined && auth.checkCsrf(sessionId, csrf),
    current: (principal) => auth.currentPrincipal(principal),
    onChange: (listener) => auth.onAccessChange(listener),
  };
}
