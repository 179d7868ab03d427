import type { Clock } from '../clock.js';
import type { AuthStore } from '../store/auth-store.js';
import {
  type AuthContext,
  DEFAULT_SESSIONS,
  SETUP_TOKEN_TTL_MS,
  type SessionConfig,
  TOUCH_GRANULARITY_MS,
  type User,
  userPrincipal,
} from './context.js';
import { type LoginInput, type LoginResult, login } from './login.js';
import { type Argon2Params, argon2Hasher, DEFAULT_ARGON2_PARAMS, type PasswordHasher } from './passwords.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, USERNAME_PATTERN } from './policy.js';
import { ENDED_TOKEN_RETENTION_MS, type PruneResult, prune } from './prune.js';
import type { Grant, Principal } from './rbac.js';
import { type RandomBytes, randomSecret, systemRandom } from './secrets.js';
import {
  checkCsrf,
  currentSessionPrincipal,
  type IssuedSession,
  logout,
  sessionPrincipal,
} from './sessions.js';
import { completeSetup, issueSetupToken, type SetupInput, setupNeeded } from './setup.js';
import { DEFAULT_THROTTLE, type ThrottleConfig, type ThrottlePolicy } from './throttle.js';
import {
  type CreatedToken,
  type CreateTokenInput,
  createToken,
  currentTokenPrincipal,
  getToken,
  listTokens,
  MAX_TOKEN_DAYS,
  revokeToken,
  TOKEN_PREFIX,
  type TokenInfo,
  type TokenPrincipal,
  tokenPrincipal,
} from './tokens.js';
import {
  type CreateUserInput,
  deleteUser,
  getUser,
  insertUser,
  listUsers,
  setGrants,
  setPassword,
} from './users.js';

export interface CreateAuthOptions {
  /** Anything with the auth store: the opened Store (once it exposes `auth`), or `{ auth: createAuthStore(db) }`. */
  readonly store: { readonly auth: AuthStore };
  readonly clock: Pick<Clock, 'now'>;
  /** Defaults to crypto.randomBytes. */
  readonly random?: RandomBytes;
  /** Defaults to argon2id with DEFAULT_ARGON2_PARAMS; tests pass cheaper parameters. */
  readonly hasher?: PasswordHasher;
  readonly sessions?: Partial<SessionConfig>;
  readonly throttle?: Partial<ThrottleConfig>;
  readonly setupTokenTtlMs?: number;
}

/** The authentication core of `berth serve`. Every failure is an AuthError (or a StoreError for I/O). */
export interface Auth {
  /** True while no user exists: the server should then issue a setup token. */
  setupNeeded(): boolean;
  /** A new one-time setup token (24 h), replacing any earlier one; returned in clear only here. AUTH_SETUP_DONE once users exist. */
  issueSetupToken(): string;
  /** Creates the first admin and uses the token up. AUTH_SETUP_DONE, AUTH_SETUP_TOKEN_INVALID, AUTH_THROTTLED, AUTH_WEAK_PASSWORD, AUTH_INVALID_USERNAME. */
  completeSetup(token: string, input: SetupInput): Promise<User>;

  /** AUTH_INVALID_USERNAME, AUTH_WEAK_PASSWORD, AUTH_USER_EXISTS, AUTH_INVALID_INPUT (grants). */
  createUser(input: CreateUserInput): Promise<User>;
  getUser(id: string): User | undefined;
  /** Whether a user has this username (any case). */
  userExists(username: string): boolean;
  /** By username. */
  listUsers(): User[];
  /** Replaces the grants (one per stack, the highest kept). AUTH_NOT_FOUND, AUTH_LAST_ADMIN, AUTH_INVALID_INPUT. */
  setGrants(userId: string, grants: readonly Grant[]): User;
  /** Also ends all the user's sessions. AUTH_NOT_FOUND, AUTH_WEAK_PASSWORD. */
  setPassword(userId: string, password: string): Promise<void>;
  /** With the user's sessions and tokens. AUTH_NOT_FOUND, AUTH_LAST_ADMIN. */
  deleteUser(id: string): void;

  /** AUTH_THROTTLED (with retryAfterSeconds) or AUTH_INVALID_CREDENTIALS. */
  login(input: LoginInput): Promise<LoginResult>;
  sessionPrincipal(sessionId: string): Principal | undefined;
  checkCsrf(sessionId: string, csrfToken: string): boolean;
  logout(sessionId: string): void;

  /**
   * AUTH_NOT_FOUND (user), AUTH_INVALID_INPUT (name, role, stacks, expiresInDays), AUTH_TOKEN_BEYOND_GRANTS
   * (a role or stack the owner does not hold now).
   */
  createToken(userId: string, input: CreateTokenInput): CreatedToken;
  tokenPrincipal(token: string): TokenPrincipal | undefined;
  /** Newest first, including expired and revoked ones until pruned. */
  listTokens(userId: string): TokenInfo[];
  getToken(id: string): TokenInfo | undefined;
  /** AUTH_NOT_FOUND. */
  revokeToken(id: string): void;

  /** Deletes expired sessions and setup tokens, quiet login counters, long-ended tokens. */
  prune(): PruneResult;

  /**
   * The principal as it stands now: the same session or token (by its id), or the same user, with
   * current grants; undefined once the session ended (logout, expiry, password change), the token was
   * revoked or expired, or the user was deleted. Moves no expiry and marks nothing used: long streams
   * re-check their caller with it.
   */
  currentPrincipal(principal: Principal): Principal | undefined;
  /**
   * Calls `listener` after every change of this service that may take access away (a token revoked,
   * a user deleted, grants replaced, a password set, a logout, a prune), once the change is stored.
   * A listener that throws does not fail the change. Returns the function that unsubscribes.
   */
  onAccessChange(listener: () => void): () => void;
}

function makeDummyHash(hasher: PasswordHasher, random: RandomBytes): () => Promise<string> {
  let pending: Promise<string> | undefined;
  return () => {
    // Made on first need with the live parameters, so verifying against it costs what a real one does.
    pending ??= hasher.hash(randomSecret(random)).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

export function createAuth(options: CreateAuthOptions): Auth {
  const random = options.random ?? systemRandom;
  const hasher = options.hasher ?? argon2Hasher();
  const ctx: AuthContext = {
    store: options.store.auth,
    clock: options.clock,
    random,
    hasher,
    sessions: { ...DEFAULT_SESSIONS, ...options.sessions },
    throttle: { ...DEFAULT_THROTTLE, ...options.throttle },
    setupTokenTtlMs: options.setupTokenTtlMs ?? SETUP_TOKEN_TTL_MS,
    dummyHash: makeDummyHash(hasher, random),
  };
  const listeners = new Set<() => void>();
  const changed = (): void => {
    for (const listener of [...listeners]) {
      try {
        listener();
      } catch {
        // A stream's re-check is its own business: the change itself is done.
      }
    }
  };
  /** Runs `change`, then tells the listeners (only when it did not throw). */
  const narrowing = <T>(change: () => T): T => {
    const result = change();
    changed();
    return result;
  };
  const currentPrincipal = (principal: Principal): Principal | undefined => {
    if (principal.tokenId !== undefined) return currentTokenPrincipal(ctx, principal.tokenId);
    if (principal.sessionId !== undefined) return currentSessionPrincipal(ctx, principal.sessionId);
    const user = ctx.store.users.byId(principal.userId);
    return user === undefined ? undefined : userPrincipal(ctx, user);
  };
  return {
    setupNeeded: () => setupNeeded(ctx),
    issueSetupToken: () => issueSetupToken(ctx),
    completeSetup: (token, input) => completeSetup(ctx, token, input),
    createUser: (input) => insertUser(ctx, input),
    getUser: (id) => getUser(ctx, id),
    userExists: (username) => ctx.store.users.byUsername(username.toLowerCase()) !== undefined,
    listUsers: () => listUsers(ctx),
    setGrants: (userId, grants) => narrowing(() => setGrants(ctx, userId, grants)),
    setPassword: async (userId, password) => {
      await setPassword(ctx, userId, password);
      changed();
    },
    deleteUser: (id) => narrowing(() => deleteUser(ctx, id)),
    login: (input) => login(ctx, input),
    sessionPrincipal: (sessionId) => sessionPrincipal(ctx, sessionId),
    checkCsrf: (sessionId, csrfToken) => checkCsrf(ctx, sessionId, csrfToken),
    logout: (sessionId) => narrowing(() => logout(ctx, sessionId)),
    createToken: (userId, input) => createToken(ctx, userId, input),
    tokenPrincipal: (token) => tokenPrincipal(ctx, token),
    listTokens: (userId) => listTokens(ctx, userId),
    getToken: (id) => getToken(ctx, id),
    revokeToken: (id) => narrowing(() => revokeToken(ctx, id)),
    prune: () => narrowing(() => prune(ctx)),
    currentPrincipal,
    onAccessChange: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

export type { User } from './context.js';
export { AuthError, type AuthErrorCode, isAuthError } from './errors.js';
export type { LoginInput, LoginResult } from './login.js';
export type { CreatedToken, CreateTokenInput, TokenInfo, TokenPrincipal } from './tokens.js';
export type { CreateUserInput } from './users.js';
export type {
  IssuedSession,
  PruneResult,
  RandomBytes,
  SessionConfig,
  SetupInput,
  ThrottleConfig,
  ThrottlePolicy,
};
export {
  type Argon2Params,
  argon2Hasher,
  DEFAULT_ARGON2_PARAMS,
  DEFAULT_SESSIONS,
  DEFAULT_THROTTLE,
  ENDED_TOKEN_RETENTION_MS,
  MAX_PASSWORD_LENGTH,
  MAX_TOKEN_DAYS,
  MIN_PASSWORD_LENGTH,
  type PasswordHasher,
  SETUP_TOKEN_TTL_MS,
  TOKEN_PREFIX,
  TOUCH_GRANULARITY_MS,
  USERNAME_PATTERN,
};
