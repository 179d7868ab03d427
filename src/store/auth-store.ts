import type Database from 'better-sqlite3';
import { createLoginAttemptStore, type LoginAttemptStore } from './auth-attempts.js';
import { createFamiliarLoginStore, type FamiliarLoginStore } from './auth-familiar.js';
import { createSessionStore, type SessionStore } from './auth-sessions.js';
import { createSetupTokenStore, type SetupTokenStore } from './auth-setup.js';
import { type ApiTokenStore, createApiTokenStore } from './auth-tokens.js';
import { createUserStore, type UserStore } from './auth-users.js';
import { guard } from './errors.js';

/**
 * Persistence for authentication (schema version 2). It stores what it is given: hashing, expiry and
 * policy live in src/server/auth, so nothing here ever sees a password or a token in clear.
 */
export interface AuthStore {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly tokens: ApiTokenStore;
  readonly setupTokens: SetupTokenStore;
  readonly loginAttempts: LoginAttemptStore;
  /** Pairs of account and address that logged in recently (schema version 9). */
  readonly familiar: FamiliarLoginStore;
  /**
   * Runs `fn` in one IMMEDIATE transaction, for read-check-write sequences (last admin, throttling) that
   * must not interleave with another process. `fn` must be synchronous.
   */
  transaction<T>(fn: () => T): T;
}

export function createAuthStore(db: Database.Database): AuthStore {
  return {
    users: createUserStore(db),
    sessions: createSessionStore(db),
    tokens: createApiTokenStore(db),
    setupTokens: createSetupTokenStore(db),
    loginAttempts: createLoginAttemptStore(db),
    familiar: createFamiliarLoginStore(db),
    transaction: (fn) => guard(() => db.transaction(fn).immediate()),
  };
}
