import type { Principal } from '../access/rbac.js';

/**
 * What the HTTP layer needs from the authentication service. Kept this small so the app can be
 * tested with an in-memory implementation and wired to `createAuth(...)` by a thin adapter.
 */
export interface Authenticator {
  /** Principal from `Authorization: Bearer <token>` or the session cookie; undefined when neither is valid. */
  principalFor(request: {
    authorization?: string;
    sessionCookie?: string;
  }): Promise<Principal | undefined> | Principal | undefined;
  checkCsrf(sessionId: string, csrf: string | undefined): boolean;
  /**
   * The principal as it stands now (the same session or token, current grants); undefined once it no
   * longer authenticates (revoked, expired, logged out, user deleted). Long streams re-check with it.
   */
  current(principal: Principal): Principal | undefined;
  /** Calls `listener` after any change that may take access away; returns the function that unsubscribes. */
  onChange(listener: () => void): () => void;
}

/** What a handler may ask about its caller after the request was authorized (long streams). */
export interface CallerAccess {
  /** The caller as it stands now; undefined once its credentials no longer authenticate. */
  current(): Principal | undefined;
  /** Calls `listener` after any change that may take access away; returns the function that unsubscribes. */
  onChange(listener: () => void): () => void;
}

/**
 * The slice of a pino logger the app uses; pino's Logger satisfies it. Secrets never reach it:
 * the app logs request ids, route templates and errors, never headers or bodies.
 */
export interface AppLogger {
  /** Optional so that a bare `{ info, error }` still fits; pino's loggers have it. */
  debug?(obj: object, msg?: string): void;
  /** Whether a level is logged (pino's): a line that would be dropped is then not even built. */
  isLevelEnabled?(level: string): boolean;
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Hono per-request variables set by the app's middleware. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** The route template that matched (`/api/v1/stacks/:stack`), for metrics and logs. */
    routeTemplate: string | undefined;
  };
}
