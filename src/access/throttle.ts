import { isIPv4, isIPv6 } from 'node:net';

/**
 * When failed logins block further attempts. Failures are counted until the key has been quiet (no failure,
 * no lock) for `windowMs`; from the `threshold`-th failure on, every failure locks the key for
 * `baseLockMs`, doubled per failure past the threshold, up to `maxLockMs`. So a guesser gets `threshold`
 * tries, then one try per lock, and soon one per `maxLockMs`.
 */
export interface ThrottlePolicy {
  readonly threshold: number;
  readonly windowMs: number;
  readonly baseLockMs: number;
  readonly maxLockMs: number;
}

/**
 * A login is checked against three keys. The pair (this username from this address) always applies, with
 * short waits: whoever shares it also shares the password's knowledge or the guessing. The account (from
 * any address) and the address (for any username) are shared with strangers, so they apply only to clients
 * that are not familiar: a pair that logged in successfully within `familiarMs` is never refused for other
 * people's failures, however many there are (every local client shares 127.0.0.1).
 */
export interface ThrottleConfig {
  /** Per username from any address (existing or not, so the answer does not reveal which exist). */
  readonly account: ThrottlePolicy;
  /** Per client address (IPv6: per /64). Higher: many users may share one address behind NAT. */
  readonly ip: ThrottlePolicy;
  /** Per username and address: a progressive delay that a familiar client is subject to as well. */
  readonly pair: ThrottlePolicy;
  /** Wrong first-run setup tokens per address (a right token is never refused). */
  readonly setup: ThrottlePolicy;
  /** How long a successful login (or the setup) keeps its username and address familiar. */
  readonly familiarMs: number;
}

const SECOND = 1000;
const MINUTE = 60_000;

export const DEFAULT_THROTTLE: ThrottleConfig = {
  account: { threshold: 5, windowMs: 15 * MINUTE, baseLockMs: MINUTE, maxLockMs: 60 * MINUTE },
  ip: { threshold: 20, windowMs: 15 * MINUTE, baseLockMs: MINUTE, maxLockMs: 60 * MINUTE },
  pair: { threshold: 5, windowMs: 15 * MINUTE, baseLockMs: SECOND, maxLockMs: 5 * MINUTE },
  setup: { threshold: 5, windowMs: 15 * MINUTE, baseLockMs: SECOND, maxLockMs: 5 * MINUTE },
  familiarMs: 30 * 24 * 60 * MINUTE,
};

/** A key's recent failures, in epoch milliseconds. */
export interface AttemptState {
  readonly failures: number;
  readonly lastFailureAt: number;
  readonly lockedUntil?: number;
}

/** Milliseconds until the key may try again; 0 when it may now. */
export function lockRemainingMs(state: AttemptState | undefined, now: number): number {
  return state?.lockedUntil === undefined ? 0 : Math.max(0, state.lockedUntil - now);
}

/** Counting stops here: the lock is long since at its maximum, and the number stays small. */
const MAX_COUNTED = 64;

/** The state after one more failure at `now`. */
export function afterFailure(
  state: AttemptState | undefined,
  now: number,
  policy: ThrottlePolicy,
): AttemptState {
  const quietSince = state === undefined ? now : Math.max(state.lastFailureAt, state.lockedUntil ?? 0);
  const carried = state !== undefined && now - quietSince < policy.windowMs ? state.failures : 0;
  const failures = Math.min(carried + 1, MAX_COUNTED);
  const past = failures - policy.threshold;
  if (past < 0) return { failures, lastFailureAt: now };
  const lockMs = Math.min(policy.baseLockMs * 2 ** past, policy.maxLockMs);
  return { failures, lastFailureAt: now, lockedUntil: now + lockMs };
}

/**
 * Takes back one failure that was counted in advance (`counted`) for an attempt that then succeeded. A
 * lock that failure set is lifted unless a later failure replaced it.
 */
export function withoutFailure(state: AttemptState, counted: AttemptState): AttemptState {
  const failures = Math.max(0, state.failures - 1);
  if (state.lockedUntil !== undefined && state.lockedUntil !== counted.lockedUntil) {
    return { failures, lastFailureAt: state.lastFailureAt, lockedUntil: state.lockedUntil };
  }
  return { failures, lastFailureAt: state.lastFailureAt };
}

function expandIPv6(address: string): string[] | undefined {
  const [head = '', tail, extra] = address.split('::');
  if (extra !== undefined) return undefined;
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return undefined;
  return [...left, ...Array<string>(missing).fill('0'), ...right];
}

/**
 * The key an address is throttled under. One IPv6 host usually owns a whole /64, so IPv6 addresses are
 * counted per /64; IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
export function ipKey(ip: string): string {
  const address = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address)?.[1];
  if (mapped !== undefined && isIPv4(mapped)) return mapped;
  if (isIPv4(address)) return address;
  const bare = address.split('%')[0] ?? '';
  if (isIPv6(bare)) {
    const groups = expandIPv6(bare);
    if (groups !== undefined) {
      return `${groups
        .slice(0, 4)
        .map((g) => Number.parseInt(g, 16).toString(16))
        .join(':')}::/64`;
    }
  }
  // Unknown shapes share one key: they cannot dodge the limit by varying the text.
  return 'unknown';
}
