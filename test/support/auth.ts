import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type Auth, type CreateAuthOptions, createAuth } from '../../src/access/auth.js';
import { argon2Hasher, type PasswordHasher } from '../../src/access/passwords.js';
import { type AuditLogStore, createAuditLogStore } from '../../src/store/audit-log.js';
import { type AuthStore, createAuthStore } from '../../src/store/auth-store.js';
import { migrate } from '../../src/store/migrations.js';
import { type FakeClock, fakeClock, makeTempDir } from './store.js';

/** Real argon2id, at the lowest cost it accepts, so tests stay fast. */
export const cheapHasher = (): PasswordHasher =>
  argon2Hasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 });

/** A hasher that records every hash it was asked to verify against. */
export function countingHasher(inner: PasswordHasher): PasswordHasher & { verified: string[] } {
  const verified: string[] = [];
  return {
    verified,
    hash: (password) => inner.hash(password),
    verify: (passwordHash, password) => {
      verified.push(passwordHash);
      return inner.verify(passwordHash, password);
    },
    needsRehash: (passwordHash) => inner.needsRehash(passwordHash),
  };
}

export interface AuthFixture {
  readonly auth: Auth;
  readonly store: AuthStore;
  readonly auditLog: AuditLogStore;
  readonly clock: FakeClock;
  readonly db: Database.Database;
  readonly path: string;
  /** Every byte of the database and its WAL, for "nothing in clear" checks. */
  fileBytes(): Buffer;
  cleanup(): void;
}

export const GOOD_PASSWORD = 'tidal-ember-quartz-lantern';
export const OTHER_PASSWORD = 'violet-harbor-mosaic-drum';

/** A real SQLite file in a temp folder, configured like openStore (WAL, foreign keys), migrated. */
export function authFixture(options: Partial<Omit<CreateAuthOptions, 'store' | 'clock'>> = {}): AuthFixture {
  const temp = makeTempDir('berth-auth-');
  const path = join(temp.dir, 'state.db');
  const clock = fakeClock();
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  migrate(db, clock);
  const store = createAuthStore(db);
  const auth = createAuth({ hasher: cheapHasher(), ...options, store: { auth: store }, clock });
  return {
    auth,
    store,
    auditLog: createAuditLogStore(db),
    clock,
    db,
    path,
    fileBytes: () =>
      Buffer.concat([path, `${path}-wal`].filter((p) => existsSync(p)).map((p) => readFileSync(p))),
    cleanup: () => {
      if (db.open) db.close();
      temp.cleanup();
    },
  };
}

/** Creates the first admin through the setup flow. */
export async function withAdmin(f: AuthFixture, username = 'root'): Promise<string> {
  const user = await f.auth.completeSetup(f.auth.issueSetupToken(), { username, password: GOOD_PASSWORD });
  return user.id;
}

/** The AuthError code a promise rejects with, or a description of what else happened. */
export async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error && error.name === 'AuthError' && 'code' in error) return String(error.code);
    return `not an AuthError: ${String(error)}`;
  }
  return 'resolved';
}

/** The AuthError code `fn` throws, or a description of what else happened. */
export function thrownCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error && error.name === 'AuthError' && 'code' in error) return String(error.code);
    return `not an AuthError: ${String(error)}`;
  }
  return 'returned';
}
