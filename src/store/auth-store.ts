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
  /**
   * A number that grows whenever a user, a grant or a token may have changed: on every such write through
   * this store, and on any commit to the state file by another connection (another process, such as the
   * CLI with --local; SQLite's data_version). What authenticated a request may be reused while it holds.
   * Marking a token used does not count: it changes nothing a request is allowed.
   */
  version(): number;
}

/** `store` with `onWrite` called before each of the named methods. */
function bumping<T extends object>(store: T, writes: readonly (keyof T)[], onWrite: () => void): T {
  const wrapped = { ...store };
  for (const name of writes) {
    const method = store[name];
    if (typeof method !== 'function') continue;
    wrapped[name] = ((...args: unknown[]) => {
      onWrite();
      return (method as (...a: unknown[]) => unknown).apply(store, args);
    }) as T[keyof T];
  }
  return wrapped;
}

export function createAuthStore(db: Database.Database): AuthStore {
  let local = 0;
  let seenDataVersion: unknown;
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const bump = () => {
    local++;
  };
  return {
    users: bumping(createUserStore(db), ['insert', 'setGrants', 'setPasswordHash', 'remove'], bump),
    sessions: createSessionStore(db),
    tokens: bumping(createApiTokenStore(db), ['insert', 'revoke', 'removeEndedBefore'], bump),
    setupTokens: createSetupTokenStore(db),
    loginAttempts: createLoginAttemptStore(db),
    familiar: createFamiliarLoginStore(db),
    transaction: (fn) => guard(() => db.transaction(fn).immediate()),
    version: () => {
      const current = guard(() => dataVersion.get());
      if (current !== seenDataVersion) {
        seenDataVersion = current;
        local++;
      }
      return local;
    },
  };
}
