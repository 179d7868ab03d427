import type { Clock } from '../clock.js';
import type { AuthStore } from '../store/auth-store.js';
import type { GrantRecord, UserRecord } from '../store/auth-users.js';
import type { PasswordHasher } from './passwords.js';
import type { Grant, Principal } from './rbac.js';
import type { RandomBytes } from './secrets.js';
import type { ThrottleConfig } from './throttle.js';

export interface SessionConfig {
  /** A session unused this long ends. */
  readonly idleTimeoutMs: number;
  /** A session ends this long after login, however much it is used. */
  readonly absoluteTimeoutMs: number;
}

const HOUR = 3_600_000;

export const DEFAULT_SESSIONS: SessionConfig = { idleTimeoutMs: 12 * HOUR, absoluteTimeoutMs: 7 * 24 * HOUR };
export const SETUP_TOKEN_TTL_MS = 24 * HOUR;

/**
 * Session idle expiry and token lastUsedAt are written only when they would move by at least this much,
 * so a burst of requests does not turn every read into a write.
 */
export const TOUCH_GRANULARITY_MS = 60_000;

/** What every part of the auth core shares. */
export interface AuthContext {
  readonly store: AuthStore;
  readonly clock: Pick<Clock, 'now'>;
  readonly random: RandomBytes;
  readonly hasher: PasswordHasher;
  readonly sessions: SessionConfig;
  readonly throttle: ThrottleConfig;
  readonly setupTokenTtlMs: number;
  /** A hash of a random password, verified against when the username is unknown. */
  dummyHash(): Promise<string>;
}

/** A user as the API shows it: never the password hash. */
export interface User {
  readonly id: string;
  readonly username: string;
  readonly grants: readonly Grant[];
  readonly createdAt: string;
  readonly passwordChangedAt: string;
}

export function toGrants(records: readonly GrantRecord[]): Grant[] {
  return records.map((g) => (g.stack === undefined ? { role: g.role } : { role: g.role, stack: g.stack }));
}

export function toUser(record: UserRecord, grants: readonly GrantRecord[]): User {
  return {
    id: record.id,
    username: record.username,
    grants: toGrants(grants),
    createdAt: record.createdAt,
    passwordChangedAt: record.passwordChangedAt,
  };
}

export function userPrincipal(ctx: AuthContext, user: UserRecord, sessionId?: string): Principal {
  const grants = toGrants(ctx.store.users.grants(user.id));
  const principal: Principal = { kind: 'user', userId: user.id, name: user.username, grants };
  return sessionId === undefined ? principal : { ...principal, sessionId };
}

export const iso = (ms: number): string => new Date(ms).toISOString();
export const nowMs = (ctx: AuthContext): number => ctx.clock.now().getTime();
